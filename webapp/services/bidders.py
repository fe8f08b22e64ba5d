"""Who bids: each bid's solver with organisation and profile, and the engine's score of that profile against
the challenge with its reasons — what the enterprise, managers and government read beside the bids."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from matching.records import Hit
from models.accounts import Organisation, User
from models.challenges import Bid, Challenge
from models.profiles import Profile
from webapp.services import ranking, teams


@dataclass(frozen=True)
class Member:
    """A named member of a team bid, with their answer and the engine's hit."""

    id: int
    name: str
    organisation: str
    profile_id: int
    status: str
    hit: Hit | None


@dataclass(frozen=True)
class Bidder:
    """A bid's lead solver and team as the bids table shows them."""

    name: str
    organisation: str
    profile_id: int | None
    hit: Hit | None  # None when the solver has no profile in the ranking (e.g. not yet trusted)
    members: tuple[Member, ...] = ()

    @property
    def team_score(self) -> float | None:
        """The best score of the lead and the confirmed members: what the team brings at its strongest."""
        scores = [h.score for h in [self.hit, *(m.hit for m in self.members if m.status == "confirmed")] if h]
        return max(scores) if scores else None


def bidders(session: Session, challenge: Challenge, bids: list[Bid]) -> dict[int, Bidder]:
    """Each bid's lead and team by bid id: one query for the leads, one for the members, one ranking pass
    restricted to their profiles."""
    solver_ids = sorted({b.solver_id for b in bids})
    if not solver_ids:
        return {}
    rows = session.exec(select(User.id, User.name, Organisation.name, Profile.id)
                        .join(Organisation, Organisation.id == User.organisation_id)
                        .outerjoin(Profile, Profile.user_id == User.id)
                        .where(col(User.id).in_(solver_ids))).all()
    people = {user_id: (name, organisation, profile_id) for user_id, name, organisation, profile_id in rows}
    teams_by_bid = teams.members_of(session, [b.id for b in bids])
    profile_ids = [str(p) for _n, _o, p in people.values() if p is not None] + [
        str(m.profile_id) for team in teams_by_bid.values() for m, _n, _o in team]
    hits = {h.candidate_id: h for h in ranking.engine(session).rank(
        ranking.query_of(challenge), k=0, only=profile_ids)} if profile_ids else {}
    out = {}
    for bid in bids:
        name, organisation, profile_id = people.get(bid.solver_id, ("", "", None))
        members = tuple(Member(m.id, member_name, member_org, m.profile_id, m.status.value, hits.get(str(m.profile_id)))
                        for m, member_name, member_org in teams_by_bid.get(bid.id, []))
        out[bid.id] = Bidder(name, organisation, profile_id, hits.get(str(profile_id)), members)
    return out
