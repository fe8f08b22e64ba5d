"""Demo of the stage between bidding and award: questions and answers, addenda, experts, expert reviews in
every state (proposed, open with some marks, closed with all), one of them awarded to two bids (赛马制), team
bids and files.

Everything goes through the real services as the demo's users would, so the panels are the ones the engine
and the assignment solver propose on the page.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import update
from sqlmodel import Session, col, select

from models.accounts import User
from models.challenges import OPEN_BID_STATUSES, Bid, BidCreate, Challenge, ChallengeStatus
from models.clarifications import AddendumCreate, AnswerCreate, QuestionCreate
from models.common import today
from models.files import AttachmentKind
from models.profiles import Profile, ProfileKind
from models.reviews import ReviewCreate, ScoreSubmit
from webapp.demo.assistance import account
from webapp.services import attachments, bids, clarifications, reviewing, reviews, teams
from webapp.services.errors import Conflict, InvalidTransition, ValidationError
from webapp.storage import storage

QUESTIONS = ("关于“{k}”，贵方现有测试条件和检测标准是什么？能否提供历史数据？",
             "“{k}”相关指标是否允许分阶段达成？验收时以哪项测试为准？",
             "项目是否接受联合体揭榜？知识产权归属如何约定？",
             "样机试制所需的材料和场地由哪方提供？")
ANSWERS = ("现有检测依据国家标准执行，历史数据在签署保密承诺后提供。",
           "允许分两阶段达成，以第三方检测报告为验收依据。",
           "接受联合体揭榜，知识产权按合同约定共享，背景知识产权归原权利人。",
           "试制场地和材料由我方提供，揭榜方负责技术方案与工艺。")


def load_review_stage(session: Session, rng: random.Random, government: User) -> dict[str, int]:
    """Experts, clarifications and reviews on the demo's published challenges; returns counts."""
    counts = {"experts": _experts(session, rng)}
    published = list(session.exec(select(Challenge).where(Challenge.status == ChallengeStatus.PUBLISHED)
                                  .order_by(col(Challenge.id))))
    counts["questions"], counts["addenda"] = _clarifications(session, rng, published[:10], government)
    counts["reviews"] = _reviews(session, rng, published[10:])
    return counts


def _experts(session: Session, rng: random.Random) -> int:
    """Every technical manager and about half the solvers volunteer as reviewers."""
    profiles = session.exec(select(Profile.id, Profile.kind).order_by(col(Profile.id))).all()
    chosen = [p for p, kind in profiles if kind == ProfileKind.MANAGER
              or (kind == ProfileKind.SOLVER and rng.random() < 0.5)]
    session.exec(update(Profile).where(col(Profile.id).in_(chosen)).values(expert=True))  # type: ignore[call-overload]
    return len(chosen)


def _clarifications(session: Session, rng: random.Random, challenges: list[Challenge],
                    government: User) -> tuple[int, int]:
    questions = addenda = 0
    gov = account(session, government)
    for n, challenge in enumerate(challenges):
        owner = account(session, session.get(User, challenge.owner_id))  # type: ignore[arg-type]
        askers = session.exec(select(User).join(Bid, Bid.solver_id == User.id)
                              .where(Bid.challenge_id == challenge.id).order_by(col(Bid.id))).all()
        for i, asker in enumerate(askers[:2]):
            text = QUESTIONS[(n + i) % len(QUESTIONS)].format(k=rng.choice(challenge.keywords))
            question = clarifications.ask(session, account(session, asker), challenge.id,
                                          QuestionCreate(text=text, anonymous=i == 1))
            questions += 1
            if (n + i) % 3 != 2:  # a third stay open, waiting for the enterprise
                clarifications.answer(session, owner, question.id, AnswerCreate(
                    answer=ANSWERS[(n + i) % len(ANSWERS)], private=(n + i) % 4 == 0))
        if n == 3 and askers:
            abusive = clarifications.ask(session, account(session, askers[-1]), challenge.id,
                                         QuestionCreate(text="你们就是想白拿方案吧？"))
            clarifications.hide(session, gov, abusive.id, "与榜单内容无关的攻击性言论")
            questions += 1
        if n % 4 == 1:
            later = challenge.deadline + dt.timedelta(days=30)
            clarifications.post_addendum(session, owner, challenge.id, AddendumCreate(
                text="应多家单位请求，揭榜截止日期顺延30天；其余要求不变。", deadline=later))
            addenda += 1
    return questions, addenda


def _reviews(session: Session, rng: random.Random, challenges: list[Challenge]) -> int:
    """Three reviews: proposed, open with half the marks in, closed with every mark and a parallel award."""
    busy = [c for c in challenges if len(reviews.open_bids(session, c.id)) >= 3][:4]
    busy[-1].max_awards = 2  # the fourth waits for its enterprise to open a review and award two bids
    session.add(busy[-1])
    busy = busy[:3]
    deadline = today() + dt.timedelta(days=14)
    for stage, challenge in enumerate(busy):
        owner = account(session, session.get(User, challenge.owner_id))  # type: ignore[arg-type]
        if stage == 2:
            challenge.max_awards = 2
            session.add(challenge)
        review = reviews.open_review(session, owner, challenge.id, ReviewCreate(
            per_bid=2, max_load=3, deadline=deadline, blind=True, standardise=stage == 2))
        if stage == 0:
            continue
        reviews.confirm(session, owner, review.id)
        for assignment in reviewing.queue_of_review(session, review.id):
            if stage == 1 and rng.random() < 0.5:
                continue
            reviewer = account(session, session.get(User, assignment.user_id))  # type: ignore[arg-type]
            marks = [max(1, min(10, round(rng.gauss(6.5, 1.6)))) for _criterion in review.criteria]
            reviewing.submit(session, reviewer, assignment.id,
                             ScoreSubmit(scores=marks, comment="方案思路清晰，建议补充中试验证计划。"))
        if stage == 2:
            open_ids = [b.id for b in session.exec(select(Bid).where(
                Bid.challenge_id == challenge.id, col(Bid.status).in_(OPEN_BID_STATUSES)).order_by(col(Bid.id)))]
            bids.award(session, owner, challenge.id, open_ids[:2])
    return len(busy)


def load_teams_and_files(session: Session, rng: random.Random) -> dict[str, int]:
    """Team bids (a lead naming two solvers of other organisations, one confirming) and files on challenges,
    bids and achievements, through the services."""
    published = list(session.exec(select(Challenge).where(Challenge.status == ChallengeStatus.PUBLISHED)
                                  .order_by(col(Challenge.id))))
    teams_made = files = 0
    store = storage()
    for challenge in published[13:19]:
        lead, members = _team_for(session, rng, challenge)
        if lead is None:
            continue
        try:
            bid = bids.place_bid(session, account(session, lead), challenge.id, BidCreate(
                approach="联合体揭榜：高校负责机理研究与算法，研究所负责中试验证，企业伙伴负责工程化。",
                price=challenge.budget * 9 // 10 // 10_000 * 10_000, timeline="12个月：机理6个月，中试6个月",
                duration_days=360, team="联合体：三家单位", members=[p.id for p in members]))
        except (ValidationError, Conflict, InvalidTransition):
            continue
        teams_made += 1
        first = teams.team_of(session, bid.id)[0]
        teams.answer(session, account(session, session.get(User, first.user_id)), first.id, confirm=True)
        attachments.attach(session, store, account(session, lead), AttachmentKind.BID, bid.id, "技术方案摘要.txt",
                           f"{challenge.title}\n联合体技术方案摘要：分三阶段推进，附进度与分工。\n".encode())
        files += 1
    for challenge in published[:6]:
        owner = account(session, session.get(User, challenge.owner_id))  # type: ignore[arg-type]
        attachments.attach(session, store, owner, AttachmentKind.CHALLENGE, challenge.id, "技术指标说明.txt",
                           f"{challenge.title}\n关键技术指标与测试方法说明。\n".encode())
        attachments.attach(session, store, owner, AttachmentKind.CHALLENGE, challenge.id, "现场数据.txt",
                           "现场测试数据（保密），仅供签署保密承诺的揭榜方参考。\n".encode(), confidential=True)
        files += 2
    return {"team bids": teams_made, "files": files}


def _team_for(session: Session, rng: random.Random, challenge: Challenge):
    """A lead who has not bid on the challenge and two solvers of other organisations with free capacity."""
    taken = set(session.exec(select(Bid.solver_id).where(Bid.challenge_id == challenge.id)))
    solvers = session.exec(select(Profile, User).join(User, User.id == Profile.user_id)
                           .where(Profile.kind == ProfileKind.SOLVER, Profile.available == True)  # noqa: E712
                           .order_by(col(Profile.id))).all()
    free = [(p, u) for p, u in solvers if u.id not in taken and p.organisation_id != challenge.organisation_id]
    rng.shuffle(free)
    picked: list = []
    for profile, user in free:
        if all(profile.organisation_id != p.organisation_id for p, _u in picked):
            picked.append((profile, user))
        if len(picked) == 3:
            break
    if len(picked) < 3:
        return None, []
    return picked[0][1], [p for p, _u in picked[1:]]
