"""Expert review endpoints (专家评审): open a review with a rubric (the engine proposes the panel), change and
confirm the panel, the reviewers' queue and scores, conflicts, reminders, results; awarding several bids."""

from __future__ import annotations

import datetime as dt

from flask_login import current_user, login_required
from sqlmodel import SQLModel

from models.challenges import BidRead
from models.reviews import (
    AssignmentRead,
    AssignmentStatus,
    AwardCreate,
    ConflictNote,
    Criterion,
    PanelChange,
    ReviewCreate,
    ReviewRead,
    ScoreSubmit,
)
from webapp import db
from webapp.api.base import body, bp, responses, validate
from webapp.api.bids import bid_read
from webapp.services import bids as bid_service
from webapp.services import reviewing
from webapp.services import reviews as service
from webapp.services.challenges import get_challenge
from webapp.services.errors import NotFound

TAG = "reviews"


class TaskRead(SQLModel):
    """A bid in a reviewer's queue; the bidder is null in a blind review."""

    assignment_id: int
    review_id: int
    challenge_id: int
    challenge_title: str
    deadline: dt.date
    blind: bool
    criteria: list[Criterion]
    bid_id: int
    approach: str
    price: int
    timeline: str
    duration_days: int
    team: str | None
    bidder: str | None
    status: AssignmentStatus
    scores: list[int]
    comment: str


class TaskList(SQLModel):
    """The caller's review queue."""

    items: list[TaskRead]


class Reminded(SQLModel):
    """How many reviewers were reminded."""

    reminded: int


class Replacement(SQLModel):
    """Who took the place of a reviewer who declared a conflict (null: nobody could; the organiser is told)."""

    replaced_by: int | None


class AwardList(SQLModel):
    """The accepted bids."""

    items: list[BidRead]


def _review(review_id: int) -> ReviewRead:
    session = db.session()
    review, challenge = service.review_of(session, current_user, review_id)
    return service.visible(session, current_user, review, challenge)


@bp.post("/challenges/<int:challenge_id>/review")
@login_required
@validate(json=ReviewCreate, resp=responses(201, ReviewRead, 403, 404, 409, 422), tags=[TAG])
def open_review(challenge_id: int):
    """Open an expert review of the open bids (the enterprise, or government when it funds the challenge); the
    engine proposes the panel: k reviewers per bid, a load limit, no conflict of interest, optionally a cap on any
    pair's probability (randomised)."""
    review = service.open_review(db.session(), current_user, challenge_id, body())
    db.commit()
    return _review(review.id), 201


@bp.get("/challenges/<int:challenge_id>/review")
@login_required
@validate(resp=responses(200, ReviewRead, 404), tags=[TAG])
def challenge_review(challenge_id: int):
    """The review of a challenge's bids, as the caller may read it."""
    session = db.session()
    get_challenge(session, current_user, challenge_id)
    review = service.review_for(session, challenge_id)
    if review is None:
        raise NotFound("No review of this challenge.")
    return _review(review.id)


@bp.get("/reviews/<int:review_id>")
@login_required
@validate(resp=responses(200, ReviewRead, 404), tags=[TAG])
def get_review(review_id: int):
    """A review: the whole panel and results for the organiser, managers and government; a bidder's own marks."""
    return _review(review_id)


@bp.post("/reviews/<int:review_id>/panel")
@login_required
@validate(json=PanelChange, resp=responses(200, ReviewRead, 403, 404, 409, 422), tags=[TAG])
def change_panel(review_id: int):
    """Swap a proposed reviewer of a bid for another expert (organiser; before confirming)."""
    service.change_panel(db.session(), current_user, review_id, body())
    db.commit()
    return _review(review_id)


@bp.post("/reviews/<int:review_id>/<any(confirm, close):action>")
@login_required
@validate(resp=responses(200, ReviewRead, 403, 404, 409), tags=[TAG])
def review_action(review_id: int, action: str):
    """Confirm the proposed panel (reviewers are notified), or close the review (organiser)."""
    {"confirm": service.confirm, "close": service.close}[action](db.session(), current_user, review_id)
    db.commit()
    return _review(review_id)


@bp.post("/reviews/<int:review_id>/remind")
@login_required
@validate(resp=responses(200, Reminded, 403, 404, 409), tags=[TAG])
def remind(review_id: int):
    """Remind every reviewer with bids still to score (organiser)."""
    count = service.remind(db.session(), current_user, review_id)
    db.commit()
    return Reminded(reminded=count)


@bp.get("/reviews/mine")
@login_required
@validate(resp=responses(200, TaskList), tags=[TAG])
def my_queue():
    """The caller's bids to review."""
    return TaskList(items=[task_read(t) for t in reviewing.queue(db.session(), current_user)])


@bp.post("/review-assignments/<int:assignment_id>/scores")
@login_required
@validate(json=ScoreSubmit, resp=responses(200, AssignmentRead, 404, 409, 422), tags=[TAG])
def score(assignment_id: int):
    """Score a bid on every criterion of the rubric, 1–10 each, with a comment (its reviewer)."""
    a = reviewing.submit(db.session(), current_user, assignment_id, body())
    db.commit()
    return AssignmentRead(id=a.id, bid_id=a.bid_id, profile_id=a.profile_id, reviewer=current_user.name,
                          match=a.match, reasons=a.reasons, probability=a.probability, status=a.status,
                          scores=a.scores, comment=a.comment, submitted_at=a.submitted_at)


@bp.post("/review-assignments/<int:assignment_id>/conflict")
@login_required
@validate(json=ConflictNote, resp=responses(200, Replacement, 404, 409, 422), tags=[TAG])
def declare_conflict(assignment_id: int):
    """Declare a conflict of interest with the bid; the engine's next best eligible expert takes the place."""
    replacement = reviewing.declare_conflict(db.session(), current_user, assignment_id, body().note)
    db.commit()
    return Replacement(replaced_by=replacement.profile_id if replacement else None)


@bp.post("/challenges/<int:challenge_id>/award")
@login_required
@validate(json=AwardCreate, resp=responses(200, AwardList, 403, 404, 409, 422), tags=[TAG])
def award(challenge_id: int):
    """Accept up to max_awards open bids at once (赛马制); the challenge is awarded and other bids declined."""
    accepted = bid_service.award(db.session(), current_user, challenge_id, body().bid_ids)
    db.commit()
    return AwardList(items=[bid_read(b) for b in accepted])


def task_read(t: reviewing.Task) -> TaskRead:
    """A queue item, the bidder hidden in a blind review."""
    return TaskRead(assignment_id=t.assignment.id, review_id=t.review.id, challenge_id=t.challenge.id,
                    challenge_title=t.challenge.title, deadline=t.review.deadline, blind=t.review.blind,
                    criteria=[Criterion(**c) for c in t.review.criteria], bid_id=t.bid.id, approach=t.bid.approach,
                    price=t.bid.price, timeline=t.bid.timeline, duration_days=t.bid.duration_days,
                    team=None if t.review.blind else t.bid.team,
                    bidder=None if t.review.blind else t.bidder, status=t.assignment.status, scores=t.assignment.scores,
                    comment=t.assignment.comment)
