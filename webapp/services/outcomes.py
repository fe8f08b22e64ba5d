"""Outcome-based reputation of technical managers: how their recommendations fared — recommended → invited →
bid → awarded → contract completed — against the engine's own top picks on the same challenges (as many per
challenge as the manager recommended), in counts, so that small numbers are read as small.

A recommendation is the manager's latest decision on a candidate being `recommend` (decisions supersede, never
overwrite). The engine's picks are the stored ranking (Recommendation rows, solvers only) of the same challenge.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from models.accounts import User
from models.challenges import Bid, BidStatus
from models.contracts import Contract, ContractStatus
from models.curation import CuratorDecision, Decision, Invitation, Recommendation
from models.profiles import Profile, ProfileKind
from webapp.auth import Account

STAGES = ("recommended", "invited", "bid", "awarded", "completed")
RATE_FLOOR = 10  # below this many recommendations a rate is not shown (README): counts only


@dataclass
class Funnel:
    """How many candidates reached each stage."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))

    def add(self, reached: tuple[bool, ...]) -> None:
        for stage, hit in zip(STAGES, (True, *reached), strict=True):
            self.counts[stage] += hit


@dataclass
class ManagerOutcome:
    """One technical manager's recommendations and the engine's picks on the same challenges."""

    user_id: int
    name: str
    challenges: int
    manager: Funnel
    engine: Funnel


def outcomes(session: Session, user: Account) -> list[ManagerOutcome]:
    """Every manager's row for government; a manager's own row for a manager."""
    picks = _recommended(session, None if user.has("government") else user.id)
    engine = _engine_picks(session, picks)
    pairs = {pair for chosen in picks.values() for pair in chosen} | {p for e in engine.values() for p in e}
    reached = _stages(session, pairs)
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_(list(picks) or [0]))).all())
    rows = []
    for curator, chosen in sorted(picks.items(), key=lambda item: (-len(item[1]), item[0])):
        mine, theirs = Funnel(), Funnel()
        for pair in chosen:
            mine.add(reached[pair])
        for pair in engine[curator]:
            theirs.add(reached[pair])
        rows.append(ManagerOutcome(curator, names.get(curator, ""), len({c for c, _p in chosen}), mine, theirs))
    return rows


def _recommended(session: Session, curator: int | None) -> dict[int, set[tuple[int, int]]]:
    """(challenge, profile) pairs each manager currently recommends."""
    statement = select(CuratorDecision).order_by(col(CuratorDecision.id))
    if curator is not None:
        statement = statement.where(CuratorDecision.curator_id == curator)
    latest: dict[tuple[int, int, int], Decision] = {}
    for row in session.exec(statement):
        latest[(row.curator_id, row.challenge_id, row.profile_id)] = row.decision
    picks: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for (who, challenge, profile), decision in latest.items():
        if decision == Decision.RECOMMEND:
            picks[who].add((challenge, profile))
    return dict(picks)


def _engine_picks(session: Session, picks: dict[int, set[tuple[int, int]]]) -> dict[int, set[tuple[int, int]]]:
    """For each manager, the engine's top solvers on each of their challenges, as many as they recommended."""
    challenges = {c for chosen in picks.values() for c, _p in chosen}
    ranked: dict[int, list[int]] = defaultdict(list)
    rows = session.exec(select(Recommendation.challenge_id, Recommendation.profile_id)
                        .join(Profile, Profile.id == Recommendation.profile_id)
                        .where(col(Recommendation.challenge_id).in_(list(challenges) or [0]),
                               Profile.kind == ProfileKind.SOLVER)
                        .order_by(col(Recommendation.challenge_id), col(Recommendation.rank), col(Recommendation.id)))
    for challenge, profile in rows:
        if profile not in ranked[challenge]:
            ranked[challenge].append(profile)
    engine = {}
    for curator, chosen in picks.items():
        per_challenge: dict[int, int] = defaultdict(int)
        for challenge, _profile in chosen:
            per_challenge[challenge] += 1
        engine[curator] = {(c, p) for c, n in per_challenge.items() for p in ranked[c][:n]}
    return engine


def _stages(session: Session, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[bool, ...]]:
    """For each (challenge, profile): invited, bid, awarded, contract completed."""
    challenges = list({c for c, _p in pairs} or {0})
    people = dict(session.exec(select(Profile.id, Profile.user_id).where(
        col(Profile.id).in_(list({p for _c, p in pairs} or {0})))).all())
    invited = set(session.exec(select(Invitation.challenge_id, Invitation.profile_id).where(
        col(Invitation.challenge_id).in_(challenges))).all())
    bids = session.exec(select(Bid.challenge_id, Bid.solver_id, Bid.status, Bid.id).where(
        col(Bid.challenge_id).in_(challenges))).all()
    completed = set(session.exec(select(Contract.bid_id).where(
        col(Contract.challenge_id).in_(challenges), Contract.status == ContractStatus.COMPLETED)).all())
    bid_by = {(c, u) for c, u, _s, _i in bids}
    won = {(c, u) for c, u, s, _i in bids if s == BidStatus.ACCEPTED}
    done = {(c, u) for c, u, s, i in bids if s == BidStatus.ACCEPTED and i in completed}
    result = {}
    for challenge, profile in pairs:
        who = (challenge, people.get(profile))
        result[(challenge, profile)] = ((challenge, profile) in invited, who in bid_by, who in won, who in done)
    return result
