"""验收 pages: the organiser refers the final milestone to an expert panel and concludes it (on the contract
page); a panellist's verdict sheet and conflict declaration."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.acceptance import AcceptanceDecision, AcceptanceOpen, VerdictSubmit
from models.reviews import ConflictNote
from webapp import db
from webapp.blueprints.forms import form_status, run_form
from webapp.services import acceptance, judging

bp = Blueprint("acceptance", __name__)


def _back(contract_id: int):
    return redirect(url_for("contracts.detail", contract_id=contract_id, _anchor="acceptance"))


@bp.route("/contracts/<int:contract_id>/acceptance", methods=["POST"])
@login_required
def refer(contract_id: int):
    """Refer the reported final milestone to a panel of the engine's best allowed experts."""
    panel, errors = run_form(AcceptanceOpen, lambda data: acceptance.open_panel(
        db.session(), current_user, contract_id, data), {k: request.form.get(k, "") for k in ("size", "deadline")})
    flash(next(iter(errors.values())) if errors else _("The panel is seated; each expert was asked to judge."),
          "error" if errors else "info")
    return _back(contract_id)


@bp.route("/acceptance/<int:acceptance_id>/conclude", methods=["POST"])
@login_required
def conclude(acceptance_id: int):
    """The organiser concludes the panel."""
    session = db.session()
    _panel, contract, _challenge = acceptance.panel_for(session, current_user, acceptance_id)
    done, errors = run_form(AcceptanceDecision, lambda data: acceptance.conclude(
        session, current_user, acceptance_id, data), {k: request.form.get(k, "") for k in ("outcome", "reason")})
    flash(next(iter(errors.values())) if errors else _("The panel is concluded."), "error" if errors else "info")
    return _back(contract.id)


@bp.route("/acceptance/seats/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def sheet(assignment_id: int):
    """A panellist's verdict sheet: each criterion met / partly / not met with a note, and a conclusion."""
    session = db.session()
    seat = judging.seat(session, current_user, assignment_id)
    count = len(seat.acceptance.criteria)
    errors: dict[str, str] = {}
    values = _saved(seat, count)
    if request.method == "POST":
        values = dict(request.form)
        data = {"verdicts": [request.form.get(f"verdict_{i}", "") for i in range(1, count + 1)],
                "notes": [request.form.get(f"note_{i}", "") for i in range(1, count + 1)],
                "conclusion": request.form.get("conclusion", ""), "comment": request.form.get("comment", "")}
        done, errors = run_form(VerdictSubmit, lambda parsed: judging.submit(session, current_user, assignment_id,
                                                                             parsed), data)
        if done is not None:
            flash(_("Your verdict is saved; you may revise it while the panel is open."))
            return redirect(url_for("reviews.mine"))
    return render_template("acceptance/sheet.html", seat=seat, values=values, errors=_named(errors)), \
        form_status(errors)


def _saved(seat: judging.Seat, count: int) -> dict[str, str]:
    a = seat.assignment
    values = {f"verdict_{i}": v for i, v in enumerate(a.verdicts, start=1)}
    values |= {f"note_{i}": n for i, n in enumerate(a.notes[:count], start=1)}
    return values | {"conclusion": a.conclusion.value if a.conclusion else "", "comment": a.comment}


def _named(errors: dict[str, str]) -> dict[str, str]:
    """verdicts.0 → verdict_1, notes → note_1: errors named after the sheet's inputs."""
    named = {}
    for key, message in errors.items():
        kind, _dot, index = key.partition(".")
        row = f"_{int(index) + 1}" if index.isdigit() else "_1"
        named[{"verdicts": "verdict", "notes": "note"}.get(kind, kind) + (row if kind in ("verdicts", "notes")
                                                                            else "")] = message
    return named


@bp.route("/acceptance/seats/<int:assignment_id>/conflict", methods=["POST"])
@login_required
def conflict(assignment_id: int):
    """Declare a conflict of interest; the next best allowed expert takes the seat."""
    _done, errors = run_form(ConflictNote, lambda data: judging.declare_conflict(
        db.session(), current_user, assignment_id, data.note) or True, {"note": request.form.get("note", "")})
    flash(next(iter(errors.values())) if errors else _("Conflict declared; another expert takes your seat."),
          "error" if errors else "info")
    return redirect(url_for("reviews.mine"))
