"""Bid use cases: 揭榜 (place, edit, withdraw) and 评选 (shortlist, accept, decline)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from models.challenges import (
    BID_TRANSITIONS,
    OPEN_BID_STATUSES,
    Bid,
    BidCreate,
    BidStatus,
    BidUpdate,
    Challenge,
    ChallengeStatus,
)
from models.common import today, utcnow
from models.profiles import Profile
from webapp.auth import Account
from webapp.services import reviews, teams
from webapp.services.access import can_see_all_bids, can_see_bid, require_not_barred, require_trusted
from webapp.services.audit import apply_update, record_event, snapshot
from webapp.services.challenges import decline_open_bids, get_challenge, link_to, move, owned_challenge
from webapp.services.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from webapp.services.notifications import notify
from webapp.services.transitions import advance, allowed, insert_once, lock_for_reading

OTHER_ACCEPTED = "已选定其他揭榜方案 / Another proposal was accepted."


def open_for_bids(challenge: Challenge) -> bool:
    """Published and before its deadline."""
    return challenge.status == ChallengeStatus.PUBLISHED and challenge.deadline >= today()


def place_bid(session: Session, user: Account, challenge_id: int, data: BidCreate) -> Bid:
    """A solver bids on a published challenge; one open bid per solver and challenge."""
    challenge = get_challenge(session, user, challenge_id)
    if not user.has("solver"):
        raise PermissionDenied(_("Only solvers bid on challenges."))
    require_trusted(user)
    require_not_barred(session, user.id, user.organisation_id)
    lock_for_reading(session, challenge)  # an award committed meanwhile is seen, not raced
    if not open_for_bids(challenge):
        raise InvalidTransition(_("This challenge does not take bids."))
    if open_bid_of(session, user.id, challenge.id) is not None:
        raise Conflict(_("You already have an open bid on this challenge; edit it instead."))
    _check_lead(session, user, challenge)
    bid = Bid(**data.model_dump(exclude={"members"}), challenge_id=challenge.id, solver_id=user.id)
    insert_once(session, bid, _("You already have an open bid on this challenge; edit it instead."))
    record_event(session, user.id, "bid.submitted", bid, None, snapshot(bid, "status", "price"))
    notify(session, challenge.owner_id, "bid.submitted", link_to(challenge), title=challenge.title)
    if data.members:
        teams.set_team(session, user, bid, challenge, data.members)
    return bid


def _check_lead(session: Session, user: Account, challenge: Challenge) -> None:
    """The lead meets the rules every team member meets: no conflict of interest with the enterprise, not in
    another open bid on the challenge (as a confirmed member), free capacity."""
    profile = session.exec(select(Profile).where(Profile.user_id == user.id)).first()
    if profile is None:
        return
    if teams.conflicted_with_enterprise(session, profile, challenge):
        raise PermissionDenied(_("You have a conflict of interest with this enterprise and cannot bid."))
    if teams.in_open_bid(session, challenge.id, profile):
        raise Conflict(_("You are already in an open bid on this challenge as a team member."))
    full = teams.no_capacity(session, profile)
    if full:
        raise InvalidTransition(full)


def open_bid_of(session: Session, user_id: int, challenge_id: int) -> Bid | None:
    """The solver's open bid on a challenge, if any."""
    return session.exec(select(Bid).where(
        Bid.challenge_id == challenge_id, Bid.solver_id == user_id,
        col(Bid.status).in_(OPEN_BID_STATUSES))).first()


def get_bid(session: Session, user: Account, bid_id: int) -> tuple[Bid, Challenge]:
    """A bid the user may know of, with its challenge; else NotFound."""
    bid = session.get(Bid, bid_id)
    if bid is None:
        raise NotFound(_("No such bid."))
    challenge = session.get(Challenge, bid.challenge_id)
    if not can_see_bid(user, bid, challenge):
        raise NotFound(_("No such bid."))
    return bid, challenge


def own_open_bid(session: Session, user: Account, bid_id: int) -> tuple[Bid, Challenge]:
    """The solver's own bid, still open, on a challenge still taking bids."""
    bid, challenge = get_bid(session, user, bid_id)
    if bid.solver_id != user.id:
        raise PermissionDenied(_("Only the solver who placed this bid may change it."))
    if bid.status not in OPEN_BID_STATUSES:
        raise InvalidTransition(_("This bid is closed."))
    return bid, challenge


def update_bid(session: Session, user: Account, bid_id: int, data: BidUpdate) -> Bid:
    """The solver edits an open bid while the challenge takes bids."""
    bid, challenge = own_open_bid(session, user, bid_id)
    require_trusted(user)
    lock_for_reading(session, challenge)  # an award committing meanwhile is seen: no edit of a decided bid
    lock_for_reading(session, bid)
    if bid.status not in OPEN_BID_STATUSES or not open_for_bids(challenge):
        raise InvalidTransition(_("This challenge does not take bids."))
    apply_update(session, user.id, bid, BidUpdate(**data.model_dump(exclude={"members"}, exclude_unset=True)),
                 "bid.updated")
    if data.members is not None:
        teams.set_team(session, user, bid, challenge, data.members)
    return bid


def withdraw_bid(session: Session, user: Account, bid_id: int) -> Bid:
    """The solver withdraws an open bid."""
    bid, _challenge = own_open_bid(session, user, bid_id)
    return move_bid(session, user, bid, BidStatus.WITHDRAWN, "bid.withdrawn")


def move_bid(session: Session, user: Account, bid: Bid, to: BidStatus, action: str,
             reason: str = "") -> Bid:
    """Change a bid's status if its lifecycle allows, as a conditional update, with an audit event."""
    if not allowed(BID_TRANSITIONS, bid.status, to):
        raise InvalidTransition(_("A bid that is %(now)s cannot become %(to)s.",
                                  now=bid.status.value, to=to.value))
    before = snapshot(bid, "status")
    changes = {"decline_reason": reason} if reason else {}
    advance(session, bid, bid.status, status=to, updated_at=utcnow(), **changes)
    record_event(session, user.id, action, bid, before, snapshot(bid, "status", "decline_reason"))
    return bid


def reviewed_bid(session: Session, user: Account, bid_id: int) -> tuple[Bid, Challenge]:
    """A bid on the user's own published challenge."""
    bid, challenge = get_bid(session, user, bid_id)
    if challenge.owner_id != user.id:
        raise PermissionDenied(_("Only the enterprise that posted this challenge may review its bids."))
    if challenge.status != ChallengeStatus.PUBLISHED:
        raise InvalidTransition(_("Bids can only be reviewed while the challenge is published."))
    return bid, challenge


def shortlist_bid(session: Session, user: Account, bid_id: int) -> Bid:
    """The enterprise shortlists a bid."""
    bid, challenge = reviewed_bid(session, user, bid_id)
    move_bid(session, user, bid, BidStatus.SHORTLISTED, "bid.shortlisted")
    notify(session, bid.solver_id, "bid.shortlisted", link_to(challenge), title=challenge.title)
    return bid


def decline_bid(session: Session, user: Account, bid_id: int, reason: str) -> Bid:
    """The enterprise declines a bid with a reason the solver sees."""
    bid, challenge = reviewed_bid(session, user, bid_id)
    move_bid(session, user, bid, BidStatus.DECLINED, "bid.declined", reason)
    notify(session, bid.solver_id, "bid.declined", link_to(challenge), title=challenge.title, reason=reason)
    return bid


def accept_bid(session: Session, user: Account, bid_id: int) -> Bid:
    """The enterprise accepts one bid: the challenge is awarded, other open bids declined.

    The challenge moves first: its conditional update is the lock that decides which of several
    concurrent acceptances wins (the others find it awarded and answer 409), and taking the challenge
    before any bid keeps every acceptance locking rows in one order, so none deadlocks.
    """
    bid, challenge = reviewed_bid(session, user, bid_id)
    move(session, user, challenge, ChallengeStatus.AWARDED, "challenge.awarded", awarded_at=utcnow())
    move_bid(session, user, bid, BidStatus.ACCEPTED, "bid.accepted")
    notify(session, bid.solver_id, "bid.accepted", link_to(challenge), title=challenge.title)
    decline_open_bids(session, user, challenge, OTHER_ACCEPTED, keep=bid.id)
    reviews.close_with_award(session, user, challenge)
    return bid


def award(session: Session, user: Account, challenge_id: int, bid_ids: list[int]) -> list[Bid]:
    """赛马制: the enterprise accepts up to the challenge's max_awards open bids at once; the challenge is awarded
    and the other open bids declined. One transition of the challenge, so of any number of concurrent awards
    exactly one takes effect and never more than max_awards bids are accepted."""
    challenge = owned_challenge(session, user, challenge_id)
    if challenge.status != ChallengeStatus.PUBLISHED:
        raise InvalidTransition(_("Bids can only be reviewed while the challenge is published."))
    chosen = list(dict.fromkeys(bid_ids))
    if len(chosen) > challenge.max_awards:
        message = _("This challenge may be awarded to at most %(n)s bids.", n=challenge.max_awards)
        raise ValidationError(message, {"bid_ids": message})
    # the challenge moves first: a concurrent award that committed meanwhile makes this a 409, not a 422 on
    # bids it has just decided (the whole transaction rolls back if the bids then turn out wrong)
    move(session, user, challenge, ChallengeStatus.AWARDED, "challenge.awarded", awarded_at=utcnow())
    bids = session.exec(select(Bid).where(col(Bid.id).in_(chosen), Bid.challenge_id == challenge.id)).all()
    if len(bids) != len(chosen) or any(b.status not in OPEN_BID_STATUSES for b in bids):
        message = _("Choose open bids on this challenge.")
        raise ValidationError(message, {"bid_ids": message})
    for bid in sorted(bids, key=lambda b: b.id):
        move_bid(session, user, bid, BidStatus.ACCEPTED, "bid.accepted")
        notify(session, bid.solver_id, "bid.accepted", link_to(challenge), title=challenge.title)
    decline_open_bids(session, user, challenge, OTHER_ACCEPTED, keep=None)
    reviews.close_with_award(session, user, challenge)
    return sorted(bids, key=lambda b: b.id)


def bids_on(session: Session, user: Account, challenge_id: int) -> list[Bid]:
    """The bids on a challenge the user may see: all for owner/manager/government, own for a solver."""
    challenge = get_challenge(session, user, challenge_id)
    statement = select(Bid).where(Bid.challenge_id == challenge.id).order_by(col(Bid.id))
    if can_see_all_bids(user, challenge):
        return list(session.exec(statement))
    if user.has("solver"):
        return list(session.exec(statement.where(Bid.solver_id == user.id)))
    raise PermissionDenied(_("You may not see the bids on this challenge."))


def bids_of(session: Session, user: Account) -> list[tuple[Bid, Challenge]]:
    """The solver's own bids with their challenges, newest first."""
    rows = session.exec(select(Bid, Challenge).join(Challenge, Challenge.id == Bid.challenge_id)
                        .where(Bid.solver_id == user.id).order_by(col(Bid.id).desc()))
    return list(rows)
