"""Curation pages (技术经理人): ranked candidates with reasons, and decisions on them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.curation import Decision, RejectReason
from models.profiles import ProfileKind
from webapp import db
from webapp.auth import reads_stamps
from webapp.services import curation, outcomes, ranking, track
from webapp.services.access import is_owner
from webapp.services.diagnosis import diagnose
from webapp.services.errors import PermissionDenied, ValidationError

bp = Blueprint("curation", __name__)


@bp.route("/challenges/<int:challenge_id>/candidates")
@login_required
@reads_stamps("profiles")
def candidates(challenge_id: int):
    """Ranked solvers, technical managers or commissioners for a challenge."""
    kind = request.args.get("kind", "solver")
    kind = ProfileKind(kind) if kind in ProfileKind._value2member_map_ else ProfileKind.SOLVER
    session = db.session()
    challenge = curation.curated_challenge(session, current_user, challenge_id)  # held: the ranking reuses it
    rows = curation.ranked_candidates(session, current_user, challenge_id, kind)
    meaning_pending = ranking.meaning_pending(session, challenge)  # before the commit: read with the ranking
    db.commit()
    records = track.of_solvers(session, [r.profile.user_id for r in rows]) if kind == ProfileKind.SOLVER else {}
    return render_template("curation/candidates.html", challenge=challenge, rows=rows, kind=kind.value,
                           records=records, can_decide=current_user.has(*curation.CURATORS),
                           owner=is_owner(current_user, challenge), reject_reasons=list(RejectReason),
                           meaning_pending=meaning_pending)


@bp.route("/challenges/<int:challenge_id>/diagnosis")
@login_required
def diagnosis(challenge_id: int):
    """需求诊断: completeness, who could answer the challenge by band, keywords to consider."""
    session = db.session()
    found = diagnose(session, current_user, challenge_id)
    return render_template("curation/diagnosis.html", d=found, owner=is_owner(current_user, found.challenge))


@bp.route("/challenges/<int:challenge_id>/candidates/<int:profile_id>", methods=["POST"])
@login_required
def decide(challenge_id: int, profile_id: int):
    """Record a decision on one candidate."""
    form = request.form
    try:
        decision = Decision(form.get("decision", ""))
        reason = RejectReason(form["reject_reason"]) if form.get("reject_reason") else None
    except ValueError:
        decision, reason = None, None
    try:
        if decision is None:
            raise ValidationError(_("Choose a decision."))
        curation.decide(db.session(), current_user, challenge_id, profile_id, decision, reason,
                        form.get("note", ""))
    except ValidationError as exc:
        db.session().rollback()
        flash(exc.message, "error")
    else:
        db.commit()
        flash(_("Decision recorded."))
    return redirect(url_for(".candidates", challenge_id=challenge_id, kind=form.get("kind", "solver")))


@bp.route("/challenges/<int:challenge_id>/invite/<int:profile_id>", methods=["POST"])
@login_required
def invite(challenge_id: int, profile_id: int):
    """Invite a recommended solver to bid."""
    curation.invite(db.session(), current_user, challenge_id, profile_id)
    db.commit()
    flash(_("Invitation sent."))
    return redirect(url_for("challenges.detail", challenge_id=challenge_id))


@bp.route("/challenges/<int:challenge_id>/invitation/decline", methods=["POST"])
@login_required
def decline(challenge_id: int):
    """The invited solver declines; the enterprise is told why."""
    curation.decline_invitation(db.session(), current_user, challenge_id, request.form.get("reason", "")[:500])
    db.commit()
    flash(_("Invitation declined; the enterprise was told."))
    return redirect(url_for("challenges.detail", challenge_id=challenge_id))


@bp.route("/curation/outcomes")
@login_required
def outcomes_page():
    """Technical managers' recommendations and their fate beside the engine's picks (government: all; a
    manager: their own)."""
    if not current_user.has("government", "manager"):
        raise PermissionDenied(_("Only government and technical managers read curation outcomes."))
    labels = {"recommended": _("Recommended"), "invited": _("Invited"), "bid": _("Bid"),
              "awarded": _("Awarded"), "completed": _("Contract completed")}
    return render_template("curation/outcomes.html", rows=outcomes.outcomes(db.session(), current_user),
                           stages=outcomes.STAGES, stage_labels=labels, floor=outcomes.RATE_FLOOR)
