"""Expert review use cases on the organiser's side: open a review (the engine proposes the panel), change and
confirm the panel, remind reviewers, close. The organiser is the challenge's enterprise, or government when it
funds the challenge (a subsidy is attached)."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, col, select

from matching.assignment import CapTooLow, assign_reviewers, best_unconstrained
from models.challenges import OPEN_BID_STATUSES, Bid, Challenge, ChallengeStatus
from models.common import utcnow
from models.reviews import (
    AssignmentStatus,
    PanelChange,
    Review,
    ReviewAssignment,
    ReviewCreate,
    ReviewRead,
    ReviewStatus,
)
from webapp.auth import Account
from webapp.services import panel, ranking
from webapp.services.access import is_owner, require_trusted
from webapp.services.audit import record_event, snapshot
from webapp.services.challenges import get_challenge, link_to
from webapp.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from webapp.services.notifications import notify
from webapp.services.review_results import review_read
from webapp.services.subsidies import subsidy_of
from webapp.services.transitions import advance, advanced, insert_once, lock_for_reading

READERS = ("manager", "government")  # see every review's panel and results


def may_organise(session: Session, user: Account, challenge: Challenge) -> bool:
    """The challenge's enterprise, or government staff when the challenge has a subsidy."""
    return is_owner(user, challenge) or (user.has("government") and subsidy_of(session, challenge.id) is not None)


def open_review(session: Session, user: Account, challenge_id: int, data: ReviewCreate) -> Review:
    """Open a review of the challenge's open bids; the engine proposes a panel the organiser then confirms."""
    challenge = get_challenge(session, user, challenge_id)
    if not may_organise(session, user, challenge):
        raise PermissionDenied(_("Only the enterprise that posted this challenge, or government when it funds it, "
                                 "opens a review."))
    require_trusted(user)
    lock_for_reading(session, challenge)
    if challenge.status != ChallengeStatus.PUBLISHED:
        raise InvalidTransition(_("Bids are reviewed while the challenge is published."))
    bids = open_bids(session, challenge.id)
    if not bids:
        raise InvalidTransition(_("There are no open bids to review yet."))
    review = Review(challenge_id=challenge.id, organiser_id=user.id, seed=secrets.randbelow(2**31),
                    criteria=[c.model_dump() for c in data.criteria],
                    **data.model_dump(include={"per_bid", "max_load", "deadline", "blind", "pair_cap", "standardise"}))
    insert_once(session, review, _("This challenge already has a review."))
    _propose(session, review, challenge, bids)
    record_event(session, user.id, "review.opened", review, None,
                 snapshot(review, "challenge_id", "per_bid", "max_load", "blind", "pair_cap", "total"))
    return review


def open_bids(session: Session, challenge_id: int) -> list[Bid]:
    """The bids a review covers."""
    return list(session.exec(select(Bid).where(Bid.challenge_id == challenge_id,
                                               col(Bid.status).in_(OPEN_BID_STATUSES)).order_by(col(Bid.id))))


def _propose(session: Session, review: Review, challenge: Challenge, bids: list[Bid]) -> None:
    """Store the engine's proposed panel (best total score under the rules) as proposed assignments."""
    found = panel.candidates(session, challenge, bids)
    scores = found.scores()
    bid_ids = [str(b.id) for b in bids]
    try:
        proposal = assign_reviewers(scores, bid_ids, review.per_bid, review.max_load, review.pair_cap, review.seed)
    except CapTooLow:
        message = _("This cap leaves too few reviewers for some bid: raise it, ask for fewer reviewers per bid, or "
                    "allow more bids per reviewer.")
        raise ValidationError(message, {"pair_cap": message}) from None
    for pair in proposal.pairs:
        expert, bid_id = found.experts[int(pair.candidate)], int(pair.request)
        hit = found.hits[(expert.profile_id, bid_id)]
        session.add(ReviewAssignment(review_id=review.id, bid_id=bid_id, profile_id=expert.profile_id,
                                     user_id=expert.user_id, match=round(hit.score, 6),
                                     reasons=ranking.stored(hit.reasons),
                                     probability=round(proposal.probability.get((pair.candidate, pair.request), 1), 4)))
    review.total = round(proposal.total, 6)
    review.best_total = round(best_unconstrained(scores, bid_ids, review.per_bid), 6)
    session.add(review)
    session.flush()


def review_of(session: Session, user: Account, review_id: int) -> tuple[Review, Challenge]:
    """A review the user may see (organiser, managers, government, its reviewers, bidders of its challenge)."""
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound(_("No such review."))
    challenge = get_challenge(session, user, review.challenge_id)
    if not (may_read_panel(session, user, challenge) or _takes_part(session, user, review)):
        raise NotFound(_("No such review."))
    return review, challenge


def may_read_panel(session: Session, user: Account, challenge: Challenge) -> bool:
    """Who sees the whole panel and every bid's results."""
    return user.has(*READERS) or may_organise(session, user, challenge)


def _takes_part(session: Session, user: Account, review: Review) -> bool:
    reviewer = session.exec(select(ReviewAssignment.id).where(ReviewAssignment.review_id == review.id,
                                                              ReviewAssignment.user_id == user.id)).first()
    bidder = session.exec(select(Bid.id).where(Bid.challenge_id == review.challenge_id,
                                               Bid.solver_id == user.id)).first()
    return reviewer is not None or bidder is not None


def organised(session: Session, user: Account, review_id: int) -> tuple[Review, Challenge]:
    """A review the user organises."""
    review, challenge = review_of(session, user, review_id)
    if not may_organise(session, user, challenge):
        raise PermissionDenied(_("Only the review's organiser may do this."))
    return review, challenge


def review_for(session: Session, challenge_id: int) -> Review | None:
    """The review of a challenge's bids, if one was opened."""
    return session.exec(select(Review).where(Review.challenge_id == challenge_id)).first()


def change_panel(session: Session, user: Account, review_id: int, change: PanelChange) -> ReviewAssignment:
    """Swap a proposed reviewer of a bid for another expert; conflict, load and duplicate rules still apply."""
    review, challenge = organised(session, user, review_id)
    lock_for_reading(session, review)
    if review.status != ReviewStatus.PROPOSED:
        raise InvalidTransition(_("The panel can be changed only before it is confirmed."))
    current = session.exec(select(ReviewAssignment).where(
        ReviewAssignment.review_id == review.id, ReviewAssignment.bid_id == change.bid_id,
        ReviewAssignment.profile_id == change.remove)).first()
    if current is None:
        raise NotFound(_("That expert is not on this bid's panel."))
    bid = session.get(Bid, change.bid_id)
    added = _allowed_pair(session, review, challenge, bid, change.add, field="add")  # type: ignore[arg-type]
    record_event(session, user.id, "review.panel_changed", review, {"bid_id": bid.id, "profile_id": change.remove},
                 {"bid_id": bid.id, "profile_id": change.add})  # type: ignore[union-attr]
    session.delete(current)
    session.flush()
    session.add(added)
    session.flush()
    return added


def _allowed_pair(session: Session, review: Review, challenge: Challenge, bid: Bid, profile_id: int,
                  field: str, status: AssignmentStatus = AssignmentStatus.PROPOSED) -> ReviewAssignment:
    """A new assignment of an expert to a bid, if the rules allow it (ValidationError naming `field` if not)."""
    found = panel.candidates(session, challenge, [bid])
    hit = found.hits.get((profile_id, bid.id))
    taken = session.exec(select(ReviewAssignment.id).where(
        ReviewAssignment.review_id == review.id, ReviewAssignment.bid_id == bid.id,
        ReviewAssignment.profile_id == profile_id)).first()
    message = None
    if hit is None:
        message = _("This person is not an expert who may review this bid (conflict of interest, or not an expert).")
    elif taken is not None:
        message = _("This expert is already on this bid's panel.")
    elif load(session, review.id, profile_id) >= review.max_load:
        message = _("This expert already reviews as many bids as the review allows.")
    if message:
        raise ValidationError(message, {field: message})
    expert = found.experts[profile_id]
    return ReviewAssignment(review_id=review.id, bid_id=bid.id, profile_id=profile_id, user_id=expert.user_id,
                            match=round(hit.score, 6), reasons=ranking.stored(hit.reasons), status=status)  # type: ignore[union-attr]


def load(session: Session, review_id: int, profile_id: int) -> int:
    """How many bids an expert reviews in a review (declared conflicts do not count)."""
    return len(session.exec(select(ReviewAssignment.id).where(
        ReviewAssignment.review_id == review_id, ReviewAssignment.profile_id == profile_id,
        ReviewAssignment.status != AssignmentStatus.CONFLICT)).all())


def confirm(session: Session, user: Account, review_id: int) -> Review:
    """Confirm the proposed panel: the review opens and every reviewer is notified."""
    review, challenge = organised(session, user, review_id)
    advance(session, review, ReviewStatus.PROPOSED, status=ReviewStatus.OPEN, confirmed_at=utcnow())
    session.exec(update(ReviewAssignment).where(  # type: ignore[call-overload]
        ReviewAssignment.review_id == review.id, ReviewAssignment.status == AssignmentStatus.PROPOSED)
        .values(status=AssignmentStatus.CONFIRMED).execution_options(synchronize_session=False))
    record_event(session, user.id, "review.confirmed", review, {"status": "proposed"}, {"status": "open"})
    for reviewer in sorted(set(session.exec(select(ReviewAssignment.user_id).where(
            ReviewAssignment.review_id == review.id)).all())):
        notify(session, reviewer, "review.assigned", "/reviews/mine", title=challenge.title,
               deadline=review.deadline.isoformat())
    return review


def remind(session: Session, user: Account, review_id: int) -> int:
    """Remind every reviewer with bids still to score; how many were reminded."""
    review, challenge = organised(session, user, review_id)
    if review.status != ReviewStatus.OPEN:
        raise InvalidTransition(_("Reminders are sent while the review is open."))
    waiting = sorted(set(session.exec(select(ReviewAssignment.user_id).where(
        ReviewAssignment.review_id == review.id, ReviewAssignment.status == AssignmentStatus.CONFIRMED)).all()))
    for reviewer in waiting:
        notify(session, reviewer, "review.reminder", "/reviews/mine", title=challenge.title,
               deadline=review.deadline.isoformat())
    record_event(session, user.id, "review.reminded", review, None, {"reviewers": len(waiting)})
    return len(waiting)


def close(session: Session, user: Account, review_id: int) -> Review:
    """Close the review: no more scores; bidders see their own bid's marks."""
    review, challenge = organised(session, user, review_id)
    advance(session, review, ReviewStatus.OPEN, status=ReviewStatus.CLOSED, closed_at=utcnow())
    record_event(session, user.id, "review.closed", review, {"status": "open"}, {"status": "closed"})
    for bid in open_bids(session, challenge.id):
        notify(session, bid.solver_id, "review.closed", link_to(challenge), title=challenge.title)
    return review



def close_with_award(session: Session, user: Account, challenge: Challenge) -> None:
    """An award ends the review of the challenge's bids (no more scores once the enterprise has decided)."""
    review = review_for(session, challenge.id)
    if review is not None and review.status != ReviewStatus.CLOSED:
        before = snapshot(review, "status")
        if advanced(session, review, (ReviewStatus.PROPOSED, ReviewStatus.OPEN), status=ReviewStatus.CLOSED,
                    closed_at=utcnow()):
            record_event(session, user.id, "review.closed", review, before, {"status": "closed"})


def visible(session: Session, user: Account, review: Review, challenge: Challenge) -> ReviewRead:
    """The review as this user may read it: everything for the organiser, managers and government; a bidder
    their own bids' marks (reviewers unnamed) once the review is closed or their bid decided; a reviewer the
    rubric and status (their marks are in their queue)."""
    if may_read_panel(session, user, challenge):
        return review_read(session, review, full=True)
    own = session.exec(select(Bid.id, Bid.status).where(Bid.challenge_id == challenge.id,
                                                       Bid.solver_id == user.id)).all()
    decided = {bid for bid, status in own if review.status == ReviewStatus.CLOSED or status not in OPEN_BID_STATUSES}
    return review_read(session, review, full=False, bid_ids=decided)


def own_marks(session: Session, user: Account, rows: list[tuple[Bid, Challenge]]) -> dict[int, tuple]:
    """For a solver's bids: bid id → (criteria, that bid's result) where a review has marks they may read
    (one query finds the reviews of all the bids' challenges; most have none)."""
    challenges = {c.id: c for _b, c in rows}
    found = session.exec(select(Review).where(col(Review.challenge_id).in_(list(challenges)))).all() if rows else []
    out = {}
    for review in found:
        read = visible(session, user, review, challenges[review.challenge_id])
        for result in read.results:
            if result.done:
                out[result.bid_id] = (read.criteria, result)
    return out
