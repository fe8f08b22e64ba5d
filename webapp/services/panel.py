"""Who may review which bid, and how well: the experts (profiles flagged as expert, solvers and managers, active
members of verified organisations), the conflict-of-interest rules, and the engine's score of each expert
against each bid's text (its approach with the challenge) with reasons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from matching.records import Hit, Query
from models.challenges import Bid, BidStatus, Challenge
from models.curation import ConflictDeclaration
from models.profiles import Profile, ProfileKind
from models.teams import BidMember, MemberStatus
from webapp.services import ranking
from webapp.services.access import untrusted_profiles_query

REVIEWER_KINDS = (ProfileKind.SOLVER, ProfileKind.MANAGER)


@dataclass(frozen=True)
class Expert:
    """An expert who may be put on a panel."""

    profile_id: int
    user_id: int
    organisation_id: int
    name: str


@dataclass
class Candidates:
    """Every allowed (expert, bid) pair of a review with the engine's hit; experts by profile id."""

    experts: dict[int, Expert]
    hits: dict[tuple[int, int], Hit]

    def scores(self) -> dict[tuple[str, str], float]:
        """The pairs as matching.assignment takes them."""
        return {(str(e), str(b)): hit.score for (e, b), hit in self.hits.items()}


def experts(session: Session) -> dict[int, Expert]:
    """Profiles flagged as experts that may appear in rankings."""
    rows = session.exec(select(Profile.id, Profile.user_id, Profile.organisation_id, Profile.display_name)
                        .where(Profile.expert == True, col(Profile.kind).in_(REVIEWER_KINDS),  # noqa: E712
                               col(Profile.id).not_in(untrusted_profiles_query()))).all()
    return {p: Expert(p, u, o, n) for p, u, o, n in rows}


def bid_query(challenge: Challenge, bid: Bid) -> Query:
    """A bid as the engine reads it: the approach with the challenge it answers."""
    return Query(id=f"bid-{bid.id}", title=challenge.title,
                 text=f"{bid.approach}\n{challenge.summary}\n{challenge.description}",
                 keywords=tuple(challenge.keywords), region="", org=str(challenge.organisation_id))


def candidates(session: Session, challenge: Challenge, bids: list[Bid],
               query: Callable[[Challenge, Bid], Query] = bid_query) -> Candidates:
    """Score every expert against every bid (as `query` reads it), leaving out the pairs a conflict of interest
    forbids."""
    pool = experts(session)
    forbidden = conflicts(session, challenge, bids, pool)
    engine = ranking.engine(session)
    hits: dict[tuple[int, int], Hit] = {}
    for bid in bids:
        allowed = [str(e) for e in pool if (e, bid.id) not in forbidden]
        if not allowed:
            continue
        for hit in engine.rank(query(challenge, bid), k=0, only=allowed):
            hits[(int(hit.candidate_id), bid.id)] = hit
    # the engine leaves out the enterprise's own people and declared conflicts with it; the rest stay allowed
    return Candidates(pool, hits)


def conflicts(session: Session, challenge: Challenge, bids: list[Bid], pool: dict[int, Expert]) -> set[tuple[int, int]]:
    """(expert, bid) pairs no panel may use: the expert is of the enterprise's organisation or of any team
    member's, is in the bid's team, bid on the same challenge themself (a competitor, lead or member), declared
    (or was declared) in conflict with any of those organisations, or shared a team with a member of the bid's
    team in any other bid."""
    teams = team_profiles(session, [b.id for b in bids])
    profile_orgs = dict(session.exec(select(Profile.id, Profile.organisation_id).where(
        col(Profile.id).in_(sorted({p for team in teams.values() for p in team})))).all())
    all_bids = session.exec(select(Bid.id).where(Bid.challenge_id == challenge.id,
                                                 Bid.status != BidStatus.WITHDRAWN)).all()
    competitors = {p for team in team_profiles(session, list(all_bids)).values() for p in team}
    declared: dict[int, set[int]] = {}
    for profile_id, organisation_id in session.exec(select(
            ConflictDeclaration.profile_id, ConflictDeclaration.organisation_id)
            .where(col(ConflictDeclaration.profile_id).in_(list(pool)))).all():
        declared.setdefault(profile_id, set()).add(organisation_id)
    partners = _partners(session, teams)
    forbidden = set()
    for expert in pool.values():
        for bid in bids:
            organisations = {challenge.organisation_id} | {profile_orgs.get(p) for p in teams.get(bid.id, set())}
            if expert.organisation_id in organisations or expert.profile_id in competitors \
                    or declared.get(expert.profile_id, set()) & organisations \
                    or expert.profile_id in partners.get(bid.id, set()):
                forbidden.add((expert.profile_id, bid.id))
    return forbidden


def team_profiles(session: Session, bid_ids: list[int]) -> dict[int, set[int]]:
    """Each bid's team as profile ids: its lead and the members who did not decline."""
    if not bid_ids:
        return {}
    teams: dict[int, set[int]] = {}
    leads = session.exec(select(Bid.id, Profile.id).join(Profile, Profile.user_id == Bid.solver_id)
                         .where(col(Bid.id).in_(bid_ids))).all()
    members = session.exec(select(BidMember.bid_id, BidMember.profile_id).where(
        col(BidMember.bid_id).in_(bid_ids), BidMember.status != MemberStatus.DECLINED)).all()
    for bid_id, profile_id in [*leads, *members]:
        teams.setdefault(bid_id, set()).add(profile_id)
    return teams


def _partners(session: Session, teams: dict[int, set[int]]) -> dict[int, set[int]]:
    """For each bid, the people who were on another bid's team together with someone of its team."""
    people = sorted({p for team in teams.values() for p in team})
    if not people:
        return {}
    as_lead = select(Bid.id).join(Profile, Profile.user_id == Bid.solver_id).where(col(Profile.id).in_(people))
    as_member = select(BidMember.bid_id).where(col(BidMember.profile_id).in_(people),
                                               BidMember.status == MemberStatus.CONFIRMED)
    shared = set(session.execute(as_lead.union(as_member)).scalars())
    others = {b: t for b, t in team_profiles(session, sorted(shared)).items()}
    partners: dict[int, set[int]] = {}
    for bid_id, team in teams.items():
        for other_id, other_team in others.items():
            if other_id != bid_id and team & other_team:
                partners.setdefault(bid_id, set()).update(other_team - team)
    return partners
