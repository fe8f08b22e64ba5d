"""Subsidy pages (政府助题): government attaches a subsidy; milestones are reported, released or returned."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.accounts import Role
from models.subsidies import MAX_MILESTONES, Binding, MilestoneReport, MilestoneReturn, SubsidyCreate
from webapp import db
from webapp.auth import roles_required
from webapp.blueprints.forms import form_status, row_errors, run_form
from webapp.services import subsidies
from webapp.services.challenges import get_challenge

bp = Blueprint("subsidies", __name__, url_prefix="/challenges/<int:challenge_id>")
FORM_ROWS = MAX_MILESTONES  # README: up to 10 milestones


def milestone_rows(form) -> list[dict[str, str]]:
    """The milestone rows the form filled in (blank rows are skipped)."""
    rows = []
    for i in range(1, MAX_MILESTONES + 1):
        title, amount = form.get(f"milestone_title_{i}", "").strip(), form.get(f"milestone_amount_{i}", "").strip()
        if title or amount:
            rows.append({"title": title, "amount": amount})
    return rows


def form_errors(errors: dict[str, str]) -> dict[str, str]:
    """Name the nested schema's errors after the form's inputs (milestones.0.title → milestone_title_1); the
    sum is the amount's rule."""
    return row_errors(errors, "milestones", "milestone", {"body": "form", "milestones": "amount"})


@bp.route("/subsidy", methods=["GET", "POST"])
@roles_required(Role.GOVERNMENT)
def attach(challenge_id: int):
    """The form government fills in to attach a subsidy split into milestones."""
    challenge = get_challenge(db.session(), current_user, challenge_id)
    errors: dict[str, str] = {}
    values = dict(request.form)
    if request.method == "POST":
        data = {"amount": request.form.get("amount", ""), "conditions": request.form.get("conditions", ""),
                "milestones": milestone_rows(request.form)}
        done, errors = run_form(SubsidyCreate, lambda parsed: subsidies.attach(
            db.session(), current_user, challenge_id, parsed), data)
        if done:
            flash(_("Subsidy attached; the enterprise was notified."))
            return redirect(url_for("challenges.detail", challenge_id=challenge_id))
        errors = form_errors(errors)
    return render_template("subsidies/form.html", challenge=challenge, values=values, errors=errors,
                           rows=FORM_ROWS), form_status(errors)


@bp.route("/milestones/<int:milestone_id>/bind", methods=["POST"])
@roles_required(Role.GOVERNMENT)
def bind(challenge_id: int, milestone_id: int):
    """Government binds a tranche to a contract milestone (or unbinds it)."""
    chosen = request.form.get("deliverable_id", "").strip()
    _done, errors = run_form(Binding, lambda data: subsidies.bind(
        db.session(), current_user, challenge_id, milestone_id, data.deliverable_id),
        {"deliverable_id": chosen or None})
    flash(next(iter(errors.values())) if errors else _("Tranche binding saved."), "error" if errors else "info")
    return redirect(url_for("challenges.detail", challenge_id=challenge_id, _anchor="subsidy"))


@bp.route("/milestones/<int:milestone_id>/report", methods=["POST"])
@login_required
def report(challenge_id: int, milestone_id: int):
    """The enterprise reports a milestone done."""
    return _milestone_form(challenge_id, MilestoneReport, lambda data: subsidies.report(
        db.session(), current_user, challenge_id, milestone_id, data.note),
        _("Describe what was done."), _("Milestone reported; government will review it."))


@bp.route("/milestones/<int:milestone_id>/release", methods=["POST"])
@roles_required(Role.GOVERNMENT)
def release(challenge_id: int, milestone_id: int):
    """Government approves a reported milestone and releases its funds."""
    subsidies.release(db.session(), current_user, challenge_id, milestone_id)
    db.commit()
    flash(_("Milestone approved; funds released."))
    return redirect(url_for("challenges.detail", challenge_id=challenge_id, _anchor="subsidy"))


@bp.route("/milestones/<int:milestone_id>/return", methods=["POST"])
@roles_required(Role.GOVERNMENT)
def send_back(challenge_id: int, milestone_id: int):
    """Government returns a reported milestone with a reason."""
    return _milestone_form(challenge_id, MilestoneReturn, lambda data: subsidies.send_back(
        db.session(), current_user, challenge_id, milestone_id, data.reason),
        _("Give a reason for returning."), _("Milestone returned to the enterprise."))


def _milestone_form(challenge_id: int, schema, action, missing: str, done: str):
    """Run a one-field milestone form, say how it went, and go back to the challenge's subsidy."""
    _result, errors = run_form(schema, action)
    flash(missing if errors else done, "error" if errors else "info")
    return redirect(url_for("challenges.detail", challenge_id=challenge_id, _anchor="subsidy"))
