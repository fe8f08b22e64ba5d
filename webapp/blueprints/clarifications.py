"""Clarification pages (答疑与补充公告): the forms on a challenge's page post here; a form with an error is shown
again on its own page, keeping what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.clarifications import AddendumCreate, AnswerCreate, HideQuestion, QuestionCreate
from webapp import db
from webapp.blueprints.forms import form_status, posted, run_form
from webapp.services import clarifications as service
from webapp.services.challenges import get_challenge

bp = Blueprint("clarifications", __name__)


@bp.route("/challenges/<int:challenge_id>/questions", methods=["POST"])
@login_required
def ask(challenge_id: int):
    """A solver asks a question."""
    challenge = get_challenge(db.session(), current_user, challenge_id)
    return _handle("ask", challenge, None, QuestionCreate, posted("anonymous"), _("Your question was sent."),
                   lambda data: service.ask(db.session(), current_user, challenge_id, data))


@bp.route("/questions/<int:question_id>/answer", methods=["POST"])
@login_required
def answer(question_id: int):
    """The enterprise answers a question."""
    question, challenge = service.question_of(db.session(), current_user, question_id)
    return _handle("answer", challenge, question, AnswerCreate, posted("private"), _("Answer published."),
                   lambda data: service.answer(db.session(), current_user, question_id, data))


@bp.route("/questions/<int:question_id>/hide", methods=["POST"])
@login_required
def hide(question_id: int):
    """Government hides an abusive question."""
    question, challenge = service.question_of(db.session(), current_user, question_id)
    return _handle("hide", challenge, question, HideQuestion, posted(), _("Question hidden."),
                   lambda data: service.hide(db.session(), current_user, question_id, data.reason))


@bp.route("/challenges/<int:challenge_id>/addenda", methods=["POST"])
@login_required
def addendum(challenge_id: int):
    """The enterprise posts an addendum."""
    challenge = get_challenge(db.session(), current_user, challenge_id)
    values = {k: v for k, v in posted().items() if v != "" or k != "deadline"}  # empty: the deadline stays
    return _handle("addendum", challenge, None, AddendumCreate, values, _("Addendum posted."),
                   lambda data: service.post_addendum(db.session(), current_user, challenge_id, data))


def _handle(form: str, challenge, question, schema, values: dict[str, Any], done: str, action: Callable):
    """Run the form; back to the challenge's clarifications when it worked, else the form again."""
    result, errors = run_form(schema, action, values)
    if result is not None:
        flash(done)
        return redirect(url_for("challenges.detail", challenge_id=challenge.id, _anchor="clarifications"))
    return render_template("clarifications/form.html", form=form, challenge=challenge, question=question,
                           values=values, errors=errors), form_status(errors)
