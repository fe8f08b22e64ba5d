"""Government pages: vet submitted challenges (publish or reject with a reason), every challenge by status."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models.accounts import Role
from models.challenges import ChallengeStatus, Reason
from webapp import db
from webapp.auth import roles_required
from webapp.blueprints.forms import run_form
from webapp.services import challenges as service

bp = Blueprint("government", __name__, url_prefix="/government")
PER_PAGE = 50


@bp.route("/vetting")
@roles_required(Role.GOVERNMENT)
def queue():
    """Submitted challenges waiting for review."""
    return render_template("government/queue.html", items=service.vetting_queue(db.session()))


@bp.route("/challenges")
@roles_required(Role.GOVERNMENT)
def challenges():
    """Every challenge in a chosen state (awarded, in progress, … — the public list shows published ones only)."""
    status = request.args.get("status") or None
    if status is not None and status not in ChallengeStatus.__members__.values():
        status = None
    page = max(1, request.args.get("page", 1, type=int) or 1)
    items, total = service.by_status(db.session(), ChallengeStatus(status) if status else None, page, PER_PAGE)
    return render_template("government/challenges.html", items=items, total=total, status=status, page=page,
                           pages=max(1, -(-total // PER_PAGE)))


@bp.route("/challenges/<int:challenge_id>/publish", methods=["POST"])
@roles_required(Role.GOVERNMENT)
def publish(challenge_id: int):
    """Publish a submitted challenge."""
    service.publish_challenge(db.session(), current_user, challenge_id)
    db.commit()
    flash(_("Challenge published."))
    return redirect(url_for(".queue"))


@bp.route("/challenges/<int:challenge_id>/reject", methods=["POST"])
@roles_required(Role.GOVERNMENT)
def reject(challenge_id: int):
    """Reject a submitted challenge with a reason the enterprise sees."""
    service.vetted_challenge(db.session(), current_user, challenge_id)
    done, errors = run_form(Reason, lambda data: service.reject_challenge(
        db.session(), current_user, challenge_id, data.reason))
    if errors:
        flash(_("Give a reason for rejecting."), "error")
        return redirect(url_for("challenges.detail", challenge_id=challenge_id))
    flash(_("Challenge rejected; the enterprise sees your reason."))
    return redirect(url_for(".queue"))
