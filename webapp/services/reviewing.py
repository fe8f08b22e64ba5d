"""Expert review on the reviewer's side: the queue, scoring a bid against the rubric, declaring a conflict of
interest (the engine's next best eligible expert takes the place)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from models.accounts import Organisation, User
from models.challenges import Bid, Challenge
from models.common import utcnow
from models.reviews import AssignmentStatus, Review, ReviewAssignment, ReviewStatus, ScoreSubmit
from webapp.auth import Account
from webapp.services import panel, ranking
from webapp.services.access import require_not_barred
from webapp.services.audit import record_event, snapshot
from webapp.services.errors import InvalidTransition, NotFound, ValidationError
from webapp.services.notifications import notify
from webapp.services.reviews import load
from webapp.services.transitions import advance, lock_for_reading, lock_for_update

SCORABLE = (AssignmentStatus.CONFIRMED, AssignmentStatus.DONE)  # a reviewer may revise marks while it is open


@dataclass(frozen=True)
class Task:
    """One bid in a reviewer's queue."""

    assignment: ReviewAssignment
    review: Review
    bid: Bid
    challenge: Challenge
    bidder_name: str
    bidder_organisation: str

    @property
    def bidder(self) -> str:
        return f"{self.bidder_name} · {self.bidder_organisation}"


def queue(session: Session, user: Account) -> list[Task]:
    """The reviewer's bids to score (and scored) in open and closed reviews, newest review first."""
    rows = session.exec(_tasks()
                        .where(ReviewAssignment.user_id == user.id, Review.status != ReviewStatus.PROPOSED)
                        .order_by(col(Review.id).desc(), col(ReviewAssignment.id))).all()
    return [Task(*row) for row in rows]


def queue_of_review(session: Session, review_id: int) -> list[ReviewAssignment]:
    """A review's assignments still to score, in order."""
    return list(session.exec(select(ReviewAssignment).where(
        ReviewAssignment.review_id == review_id, ReviewAssignment.status == AssignmentStatus.CONFIRMED)
        .order_by(col(ReviewAssignment.id))))


def _tasks():
    """Assignments with their review, bid, challenge and bidder."""
    return (select(ReviewAssignment, Review, Bid, Challenge, User.name, Organisation.name)
            .join(Review, Review.id == ReviewAssignment.review_id)
            .join(Bid, Bid.id == ReviewAssignment.bid_id)
            .join(Challenge, Challenge.id == Review.challenge_id)
            .join(User, User.id == Bid.solver_id)
            .join(Organisation, Organisation.id == User.organisation_id))


def task(session: Session, user: Account, assignment_id: int) -> Task:
    """One of the reviewer's own assignments in a confirmed review; else NotFound."""
    row = session.exec(_tasks().where(ReviewAssignment.id == assignment_id)).first()
    if row is None or row[0].user_id != user.id or row[1].status == ReviewStatus.PROPOSED:
        raise NotFound(_("No such review assignment."))
    return Task(*row)


def submit(session: Session, user: Account, assignment_id: int, data: ScoreSubmit) -> ReviewAssignment:
    """Score one bid on every criterion (revisable while the review is open)."""
    item = task(session, user, assignment_id)
    require_not_barred(session, user.id, user.organisation_id)
    lock_for_reading(session, item.review)  # a close committing meanwhile is seen, not raced
    if item.review.status != ReviewStatus.OPEN:
        raise InvalidTransition(_("This review is closed."))
    if len(data.scores) != len(item.review.criteria):
        message = _("Give one score for each of the %(n)s criteria.", n=len(item.review.criteria))
        raise ValidationError(message, {"scores": message})
    before = snapshot(item.assignment, "status", "scores")
    advance(session, item.assignment, SCORABLE, status=AssignmentStatus.DONE, scores=data.scores,
            comment=data.comment.strip(), submitted_at=utcnow())
    record_event(session, user.id, "review.scored", item.assignment, before,
                 snapshot(item.assignment, "status", "scores"))
    return item.assignment


def declare_conflict(session: Session, user: Account, assignment_id: int, note: str) -> ReviewAssignment | None:
    """The reviewer declares a conflict with the bid; the best eligible expert not yet on it and below the load
    limit takes the place (None when nobody may: the organiser is told)."""
    item = task(session, user, assignment_id)
    lock_for_update(session, item.review)  # replacements read loads, then write: one at a time per review
    if item.review.status != ReviewStatus.OPEN:
        raise InvalidTransition(_("This review is closed."))
    advance(session, item.assignment, AssignmentStatus.CONFIRMED, status=AssignmentStatus.CONFLICT,
            conflict_note=note.strip())
    record_event(session, user.id, "review.conflict_declared", item.assignment, {"status": "confirmed"},
                 snapshot(item.assignment, "status", "conflict_note"))
    replacement = _next_best(session, item)
    if replacement is not None:
        session.add(replacement)
        session.flush()
        record_event(session, user.id, "review.reassigned", replacement, None,
                     snapshot(replacement, "bid_id", "profile_id", "match"))
        notify(session, replacement.user_id, "review.assigned", "/reviews/mine", title=item.challenge.title,
               deadline=item.review.deadline.isoformat())
    notify(session, item.review.organiser_id, "review.conflict" if replacement else "review.short",
           f"/reviews/{item.review.id}", title=item.challenge.title)
    return replacement


def _next_best(session: Session, item: Task) -> ReviewAssignment | None:
    """The highest-scoring allowed expert for the bid who is not on it in any state and has room."""
    found = panel.candidates(session, item.challenge, [item.bid])
    on_bid = set(session.exec(select(ReviewAssignment.profile_id).where(
        ReviewAssignment.review_id == item.review.id, ReviewAssignment.bid_id == item.bid.id)).all())
    ranked = sorted(((hit.score, profile_id) for (profile_id, _bid), hit in found.hits.items()
                     if profile_id not in on_bid), key=lambda pair: (-pair[0], pair[1]))
    for _score, profile_id in ranked:
        if load(session, item.review.id, profile_id) < item.review.max_load:
            hit, expert = found.hits[(profile_id, item.bid.id)], found.experts[profile_id]
            return ReviewAssignment(review_id=item.review.id, bid_id=item.bid.id, profile_id=profile_id,
                                    user_id=expert.user_id, match=round(hit.score, 6),
                                    reasons=ranking.stored(hit.reasons), status=AssignmentStatus.CONFIRMED)
    return None
