"""Membership pages: an organisation's administrators invite, approve and remove members; government (and
admins) verify new organisations."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp import db
from webapp.services import organisations
from webapp.services.errors import ValidationError

bp = Blueprint("organisation", __name__)


@bp.route("/organisation", methods=["GET", "POST"])
@login_required
def roster():
    """Members, people asking to join and open invitations; invite someone by e-mail."""
    link, errors = None, {}
    if request.method == "POST":
        try:
            _invitation, link = organisations.invite(db.session(), current_user, request.form.get("email", ""))
        except ValidationError as exc:
            db.rollback()
            errors = exc.fields
        else:
            db.commit()
            flash(_("Invitation sent. The link below works once, for that address, for 7 days."))
    org, people, invitations = organisations.roster(db.session(), current_user)
    return render_template("organisation/roster.html", organisation=org, people=people, invitations=invitations,
                           link=link, errors=errors, values=request.form), 422 if errors else 200


@bp.route("/organisation/members/<int:member_id>/<any(approve, remove, hand_on):action>", methods=["POST"])
@login_required
def member(member_id: int, action: str):
    """Approve a join request, remove a member (or turn a request down), or hand on the administrator role."""
    getattr(organisations, action)(db.session(), current_user, member_id)
    db.commit()
    flash({"approve": _("Member approved."), "remove": _("Member removed; their access ended."),
           "hand_on": _("The administrator role was handed on.")}[action])
    return redirect(url_for(".roster"))


@bp.route("/government/organisations")
@login_required
def queue():
    """Organisations waiting for verification (government and admins)."""
    return render_template("organisation/queue.html",
                           pending=organisations.verification_queue(db.session(), current_user))


@bp.route("/government/organisations/<int:organisation_id>/<any(verify, reject):action>", methods=["POST"])
@login_required
def decide(organisation_id: int, action: str):
    """Verify a pending organisation, or reject it with a reason."""
    organisations.decide(db.session(), current_user, organisation_id, action == "verify",
                         request.form.get("reason", ""))
    db.commit()
    flash(_("Organisation verified.") if action == "verify" else _("Organisation rejected."))
    return redirect(url_for(".queue"))
