"""Commissioner dispatch pages: enterprises request help; government solves, edits and approves proposals."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.accounts import Role
from models.dispatch import DispatchRequestCreate, ProposalCreate, shown_status
from webapp import db
from webapp.auth import roles_required
from webapp.blueprints.forms import form_status, posted, run_form
from webapp.services import dispatch as service
from webapp.services.errors import DomainError, ValidationError

bp = Blueprint("dispatch", __name__)


@bp.route("/dispatch/requests", methods=["GET", "POST"])
@roles_required(Role.ENTERPRISE)
def requests():
    """The enterprise's requests for commissioners, and the form to ask for one."""
    errors: dict[str, str] = {}
    values = posted() if request.method == "POST" else {"count": 1}
    if request.method == "POST":
        done, errors = run_form(DispatchRequestCreate, lambda data: service.request_commissioner(
            db.session(), current_user, data), values)
        if done:
            flash(_("Request sent; government will propose commissioners."))
            return redirect(url_for(".requests"))
    return render_template("dispatch/requests.html", rows=service.requests_of(db.session(), current_user),
                           values=values, errors=errors), form_status(errors)


@bp.route("/dispatch/requests/<int:request_id>/withdraw", methods=["POST"])
@roles_required(Role.ENTERPRISE)
def withdraw(request_id: int):
    """Withdraw an open request."""
    service.withdraw_request(db.session(), current_user, request_id)
    db.commit()
    flash(_("Request withdrawn."))
    return redirect(url_for(".requests"))


@bp.route("/dispatches")
@login_required
def mine():
    """Dispatches the user takes part in (all of them for government)."""
    session = db.session()
    fitting = service.requests_for(session, current_user) if current_user.has(Role.COMMISSIONER) else []
    return render_template("dispatch/dispatches.html", rows=service.dispatches_for(session, current_user),
                           status_of=shown_status, fitting=fitting)


@bp.route("/government/dispatch", methods=["GET", "POST"])
@roles_required(Role.GOVERNMENT)
def board():
    """Open requests; choose some and ask the system for an optimal proposal."""
    errors: dict[str, str] = {}
    values = posted("same_region")
    if request.method == "POST":
        values["request_ids"] = request.form.getlist("request_ids")
        done, errors = run_form(ProposalCreate, lambda data: service.propose(db.session(), current_user, data),
                                values)
        if done:
            return redirect(url_for(".proposal", proposal_id=done.id))
    return render_template("dispatch/board.html", rows=service.open_requests(db.session()), values=values,
                           errors=errors, proposals=service.recent_proposals(db.session())), form_status(errors)


@bp.route("/government/dispatch/proposals/<int:proposal_id>")
@roles_required(Role.GOVERNMENT)
def proposal(proposal_id: int):
    """A proposal with scores and reasons, to edit, approve or discard."""
    view = service.proposal_view(db.session(), current_user, proposal_id)
    return render_template("dispatch/proposal.html", view=view, proposal=view.proposal)


@bp.route("/government/dispatch/proposals/<int:proposal_id>/<action>", methods=["POST"])
@roles_required(Role.GOVERNMENT)
def decide(proposal_id: int, action: str):
    """Edit (add or remove a pair), approve or discard a proposal."""
    session, form = db.session(), request.form
    try:
        if action == "approve":
            dispatches = service.approve(session, current_user, proposal_id)
            message = _("Approved: %(n)s dispatches recorded and notified.", n=len(dispatches))
        elif action == "discard":
            service.discard(session, current_user, proposal_id)
            message = _("Proposal discarded; the requests stay open.")
        elif action == "remove":
            service.remove_item(session, current_user, proposal_id, int(form.get("item_id", 0)))
            message = _("Pair removed.")
        elif action == "add":
            item = service.add_item(session, current_user, proposal_id, int(form.get("request_id") or 0),
                                    int(form.get("commissioner_profile_id") or 0))
            message = _("Pair added.")
            if item.score < service.MIN_PROPOSED_SCORE:
                message = _("Pair added, but its match is only %(score)s/100: the expertise barely meets the need.",
                            score=round(item.score * 100))
        else:
            raise ValidationError(_("Unknown action."))
    except (ValidationError, ValueError) as exc:
        session.rollback()
        flash(getattr(exc, "message", _("Choose a request and a commissioner.")), "error")
    except DomainError:
        session.rollback()
        raise
    else:
        db.commit()
        flash(message)
    return redirect(url_for(".proposal", proposal_id=proposal_id))
