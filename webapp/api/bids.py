"""Bid endpoints: place, edit, withdraw, and the enterprise's review."""

from __future__ import annotations

from flask_login import current_user, login_required
from sqlmodel import SQLModel

from models.challenges import Bid, BidCreate, BidderRead, BidRead, BidUpdate, Reason
from models.teams import MemberList, MemberRead
from webapp import db
from webapp.api.base import body, bp, responses, validate
from webapp.services import bids as service
from webapp.services import ranking, teams
from webapp.services.access import can_see_all_bids
from webapp.services.bidders import Bidder, bidders
from webapp.services.challenges import get_challenge

TAG = "bids"


class BidList(SQLModel):
    """Bids visible to the caller."""

    items: list[BidRead]


def bid_read(bid: Bid, bidder: Bidder | None = None) -> BidRead:
    """The API view of a bid, with its bidder when given."""
    read = BidRead.model_validate(bid, from_attributes=True)
    if bidder is not None:
        read.bidder = BidderRead(
            name=bidder.name, organisation=bidder.organisation, profile_id=bidder.profile_id,
            score=round(bidder.hit.score, 6) if bidder.hit else None,
            reasons=ranking.stored(bidder.hit.reasons) if bidder.hit else [],
            team_score=round(bidder.team_score, 6) if bidder.team_score is not None else None,
            members=[MemberRead(id=m.id, bid_id=bid.id, profile_id=m.profile_id, name=m.name,
                                organisation=m.organisation, status=m.status,
                                score=round(m.hit.score, 6) if m.hit else None,
                                reasons=ranking.stored(m.hit.reasons) if m.hit else []) for m in bidder.members])
    return read


@bp.get("/challenges/<int:challenge_id>/bids")
@login_required
@validate(resp=responses(200, BidList, 403, 404), tags=[TAG])
def list_bids(challenge_id: int):
    """Bids on a challenge: all for its owner, managers and government, with who bids and how well their profile
    matches; a solver's own."""
    session = db.session()
    bids = service.bids_on(session, current_user, challenge_id)
    challenge = get_challenge(session, current_user, challenge_id)
    people = bidders(session, challenge, bids) if can_see_all_bids(current_user, challenge) else {}
    return BidList(items=[bid_read(b, people.get(b.id)) for b in bids])


@bp.post("/challenges/<int:challenge_id>/bids")
@login_required
@validate(json=BidCreate, resp=responses(201, BidRead, 403, 404, 409, 422), tags=[TAG])
def place_bid(challenge_id: int):
    """Bid on a published challenge (solver; one open bid per challenge)."""
    bid = service.place_bid(db.session(), current_user, challenge_id, body())
    db.commit()
    return bid_read(bid), 201


@bp.get("/bids/mine")
@login_required
@validate(resp=responses(200, BidList), tags=[TAG])
def my_bids():
    """The caller's own bids."""
    return BidList(items=[bid_read(b) for b, _c in service.bids_of(db.session(), current_user)])


@bp.get("/bids/<int:bid_id>")
@login_required
@validate(resp=responses(200, BidRead, 404), tags=[TAG])
def get_bid(bid_id: int):
    """Read one bid."""
    bid, _challenge = service.get_bid(db.session(), current_user, bid_id)
    return bid_read(bid)


@bp.patch("/bids/<int:bid_id>")
@login_required
@validate(json=BidUpdate, resp=responses(200, BidRead, 403, 404, 409, 422), tags=[TAG])
def update_bid(bid_id: int):
    """Edit an open bid (its solver)."""
    bid = service.update_bid(db.session(), current_user, bid_id, body())
    db.commit()
    return bid_read(bid)


ACTIONS = {"withdraw": service.withdraw_bid, "shortlist": service.shortlist_bid,
           "accept": service.accept_bid}


@bp.post("/bids/<int:bid_id>/<any(withdraw, shortlist, accept):action>")
@login_required
@validate(resp=responses(200, BidRead, 403, 404, 409), tags=[TAG])
def bid_action(bid_id: int, action: str):
    """Withdraw (solver), shortlist or accept (challenge owner; accepting awards the challenge)."""
    bid = ACTIONS[action](db.session(), current_user, bid_id)
    db.commit()
    return bid_read(bid)


@bp.post("/bids/<int:bid_id>/decline")
@login_required
@validate(json=Reason, resp=responses(200, BidRead, 403, 404, 409, 422), tags=[TAG])
def decline_bid(bid_id: int):
    """Decline a bid with a reason the solver sees (challenge owner)."""
    bid = service.decline_bid(db.session(), current_user, bid_id, body().reason)
    db.commit()
    return bid_read(bid)


@bp.get("/bids/<int:bid_id>/team")
@login_required
@validate(resp=responses(200, MemberList, 404), tags=[TAG])
def bid_team(bid_id: int):
    """A bid's named team members with their answers (whoever may see the bid)."""
    session = db.session()
    bid, _challenge = service.get_bid(session, current_user, bid_id)
    return MemberList(items=[member_read(m, name, org) for m, name, org in
                             teams.members_of(session, [bid.id]).get(bid.id, [])])


@bp.get("/team-invitations")
@login_required
@validate(resp=responses(200, MemberList), tags=[TAG])
def team_invitations():
    """The team bids the caller was named in."""
    session = db.session()
    rows = teams.invitations(session, current_user)
    named = teams.members_of(session, [bid.id for _m, bid, _c, _lead in rows])
    return MemberList(items=[member_read(m, name, org) for bid_members in named.values()
                             for m, name, org in bid_members if m.user_id == current_user.id])


@bp.post("/team-members/<int:member_id>/<any(confirm, decline):action>")
@login_required
@validate(resp=responses(200, MemberRead, 404, 409, 422), tags=[TAG])
def answer_team(member_id: int, action: str):
    """Confirm or decline (or leave) membership of a team bid (the named member)."""
    session = db.session()
    member = teams.answer(session, current_user, member_id, confirm=action == "confirm")
    db.commit()
    name, org = next((n, o) for m, n, o in teams.members_of(session, [member.bid_id])[member.bid_id]
                     if m.id == member.id)
    return member_read(member, name, org)


def member_read(member, name: str, organisation: str) -> MemberRead:
    """The API view of a team member."""
    return MemberRead(id=member.id, bid_id=member.bid_id, profile_id=member.profile_id, name=name,
                      organisation=organisation, status=member.status)
