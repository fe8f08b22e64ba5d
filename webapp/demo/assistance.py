"""Demo 政府助题: subsidies with milestones, commissioner requests, one approved dispatch round, conflicts.

Everything goes through the real services as the demo's own users would, so the demo shows what the code
does: the dispatch round is solved by the same optimal assignment government uses on the page.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlmodel import Session, col, select

from models.accounts import Organisation, User, UserRole
from models.challenges import Challenge, ChallengeStatus
from models.common import today
from models.dispatch import DispatchRequest, DispatchRequestCreate, ProposalCreate
from models.profiles import Profile, ProfileKind
from models.subsidies import MilestoneIn, SubsidyCreate
from webapp.auth import Account
from webapp.demo.topic import Topic
from webapp.services import conflicts, dispatch, subsidies

REQUESTS = 10
APPROVED_REQUESTS = 6
MILESTONE_NAMES = (("方案论证与样机验证", 0.3), ("中试与现场验证", 0.4), ("产业化导入与验收", 0.3))


def account(session: Session, user: User) -> Account:
    """A user as the services see a signed-in account."""
    roles = session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all()
    return Account(user.id, user.email, user.name, user.organisation_id,
                   frozenset(str(getattr(r, "value", r)) for r in roles))


def load_assistance(session: Session, rng: random.Random, government: User, topics: dict[int, Topic],
                    commissioner_field: Topic) -> dict[str, int]:
    """Subsidies, requests, a dispatch round and declared conflicts; returns counts."""
    gov = account(session, government)
    counts = {"subsidies": _subsidies(session, rng, gov)}
    counts["commissioner requests"], counts["dispatches"] = _dispatch_round(session, rng, gov, topics)
    counts["commissioner requests"] += _request_in_field(session, rng, commissioner_field)
    counts["declared conflicts"] = _conflicts(session, rng)
    return counts


def _subsidies(session: Session, rng: random.Random, gov: Account) -> int:
    running = list(session.exec(select(Challenge).where(col(Challenge.status).in_(
        (ChallengeStatus.AWARDED, ChallengeStatus.IN_PROGRESS))).order_by(col(Challenge.id))))
    published = list(session.exec(select(Challenge).where(Challenge.status == ChallengeStatus.PUBLISHED)
                                  .order_by(col(Challenge.id))))[:3]
    for challenge in running + published:
        amount = challenge.budget * rng.choice((20, 30, 40)) // 100 // 10_000 * 10_000
        parts = [int(amount * share) // 10_000 * 10_000 for _name, share in MILESTONE_NAMES]
        parts[-1] = amount - sum(parts[:-1])
        plan = SubsidyCreate(amount=amount, conditions="按里程碑验收后拨付；资金专款专用，接受审计。",
                             milestones=[MilestoneIn(title=name, amount=part)
                                         for (name, _share), part in zip(MILESTONE_NAMES, parts, strict=True)])
        subsidy = subsidies.attach(session, gov, challenge.id, plan)
        if challenge in running:
            owner = account(session, session.get(User, challenge.owner_id))
            first, second = subsidies.milestones_of(session, subsidy)[:2]
            subsidies.report(session, owner, challenge.id, first.id, "样机已通过第三方检测，检测报告已上传。")
            subsidies.release(session, gov, challenge.id, first.id)
            if rng.random() < 0.5:
                subsidies.report(session, owner, challenge.id, second.id, "中试线已连续运行30天，良率达标。")
    return len(running) + len(published)


def _dispatch_round(session: Session, rng: random.Random, gov: Account, topics: dict[int, Topic]) -> tuple[int, int]:
    """Ten enterprises ask for commissioners; government approved the optimal proposal for six of them."""
    asked = []
    for challenge in _one_challenge_per_enterprise(session)[:REQUESTS]:
        topic = topics[challenge.id]
        need = f"{topic.summary}重点：{rng.choice(topic.directions)}。"
        owner = account(session, session.get(User, challenge.owner_id))
        asked.append(dispatch.request_commissioner(session, owner, DispatchRequestCreate(
            need=need[:2000], count=rng.choice((1, 1, 2)))))
    start = today() - dt.timedelta(days=30)
    proposal = dispatch.propose(session, gov, ProposalCreate(
        request_ids=[r.id for r in asked[:APPROVED_REQUESTS]], start_date=start,
        end_date=start + dt.timedelta(days=180)))
    return len(asked), len(dispatch.approve(session, gov, proposal.id))


def _request_in_field(session: Session, rng: random.Random, topic: Topic) -> int:
    """One more enterprise, not yet served, asks for help in the demo commissioner's field and stays open, so
    commissioner@ has a request in their fields on the workbench."""
    asked = set(session.exec(select(DispatchRequest.organisation_id)))
    for challenge in _one_challenge_per_enterprise(session, everyone=True):
        if challenge.organisation_id not in asked:
            owner = account(session, session.get(User, challenge.owner_id))
            dispatch.request_commissioner(session, owner, DispatchRequestCreate(
                need=f"{topic.summary}重点：{rng.choice(topic.directions)}。"))
            return 1
    return 0


def _one_challenge_per_enterprise(session: Session, everyone: bool = False) -> list[Challenge]:
    """The first challenge of each enterprise, the demo enterprise last so its request stays open."""
    seen, chosen = set(), []
    for challenge in session.exec(select(Challenge).order_by(col(Challenge.id))):
        if challenge.organisation_id not in seen:
            seen.add(challenge.organisation_id)
            chosen.append(challenge)
    demo = [c for c in chosen if session.get(User, c.owner_id).email.startswith("enterprise@")]
    return [c for c in chosen if c not in demo][:None if everyone else REQUESTS - 1] + demo


def _conflicts(session: Session, rng: random.Random) -> int:
    """Two commissioners declare a conflict with an enterprise they once worked for."""
    commissioners = list(session.exec(select(Profile).where(Profile.kind == ProfileKind.COMMISSIONER)
                                      .order_by(col(Profile.id))))[1:3]
    enterprises = list(session.exec(select(Organisation).where(Organisation.kind == "enterprise")
                                    .order_by(col(Organisation.id))))
    for profile in commissioners:
        user = account(session, session.get(User, profile.user_id))
        conflicts.declare(session, user, None, rng.choice(enterprises).id, "曾在该企业兼职技术顾问")
    return len(commissioners)
