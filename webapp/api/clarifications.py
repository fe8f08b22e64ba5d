"""Clarification endpoints: questions and answers (答疑), addenda (补充公告), hiding an abusive question."""

from __future__ import annotations

from flask_login import current_user, login_required

from models.clarifications import (
    AddendumCreate,
    AddendumRead,
    AnswerCreate,
    Clarifications,
    HideQuestion,
    QuestionCreate,
    QuestionRead,
)
from webapp import db
from webapp.api.base import body, bp, responses, validate
from webapp.services import clarifications as service
from webapp.services.challenges import get_challenge

TAG = "clarifications"


@bp.get("/challenges/<int:challenge_id>/clarifications")
@login_required
@validate(resp=responses(200, Clarifications, 404), tags=[TAG])
def list_clarifications(challenge_id: int):
    """A challenge's addenda and the questions the caller may read (a private answer is null unless the caller
    may read the confidential details; an anonymous asker is null to other solvers)."""
    session = db.session()
    return service.clarifications(session, current_user, get_challenge(session, current_user, challenge_id))


@bp.post("/challenges/<int:challenge_id>/questions")
@login_required
@validate(json=QuestionCreate, resp=responses(201, QuestionRead, 403, 404, 409, 422), tags=[TAG])
def ask_question(challenge_id: int):
    """Ask a question on a challenge open for bids (solver); the enterprise is notified."""
    session = db.session()
    question = service.ask(session, current_user, challenge_id, body())
    db.commit()
    return _read(question.id), 201


@bp.post("/questions/<int:question_id>/answer")
@login_required
@validate(json=AnswerCreate, resp=responses(200, QuestionRead, 403, 404, 409, 422), tags=[TAG])
def answer_question(question_id: int):
    """Answer an open question once, publicly or privately (the challenge's enterprise)."""
    service.answer(db.session(), current_user, question_id, body())
    db.commit()
    return _read(question_id)


@bp.post("/questions/<int:question_id>/hide")
@login_required
@validate(json=HideQuestion, resp=responses(200, QuestionRead, 403, 404, 409, 422), tags=[TAG])
def hide_question(question_id: int):
    """Hide an abusive question with a reason (government)."""
    service.hide(db.session(), current_user, question_id, body().reason)
    db.commit()
    return _read(question_id)


@bp.post("/challenges/<int:challenge_id>/addenda")
@login_required
@validate(json=AddendumCreate, resp=responses(201, AddendumRead, 403, 404, 409, 422), tags=[TAG])
def post_addendum(challenge_id: int):
    """Post an addendum to a published challenge, optionally moving its deadline (the challenge's enterprise)."""
    addendum = service.post_addendum(db.session(), current_user, challenge_id, body())
    db.commit()
    return AddendumRead.model_validate(addendum, from_attributes=True), 201


def _read(question_id: int) -> QuestionRead:
    session = db.session()
    question, challenge = service.question_of(session, current_user, question_id)
    return service.question_read(session, current_user, question, challenge)
