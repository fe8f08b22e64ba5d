"""Achievement (科技成果) pages: browse, read, list a new one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models.accounts import Role
from models.files import AttachmentKind
from models.profiles import AchievementCreate, Profile
from webapp import db
from webapp.auth import roles_required
from webapp.blueprints.forms import form_status, run_form
from webapp.services import attachments, curation
from webapp.services import profiles as service
from webapp.services.errors import ValidationError

bp = Blueprint("achievements", __name__, url_prefix="/achievements")


@bp.route("/")
def browse():
    """Browse achievements by words and field."""
    page = max(1, request.args.get("page", 1, type=int) or 1)
    q, field = request.args.get("q", ""), request.args.get("field") or None
    errors: dict[str, str] = {}
    try:
        items, total = service.browse_achievements(db.session(), q[:200], field, page)
    except ValidationError as exc:
        items, total, errors = [], 0, exc.fields
    return render_template("achievements/browse.html", items=items, total=total, page=page,
                           pages=max(1, -(-total // 20)), q=q, field=field, errors=errors), form_status(errors)


@bp.route("/<int:achievement_id>")
def detail(achievement_id: int):
    """One achievement (public; the challenges it could answer, a ranking, only for signed-in users)."""
    session = db.session()
    achievement = service.get_achievement(session, achievement_id)
    owner = session.get(Profile, achievement.profile_id)
    matches = curation.challenges_for_achievement(session, achievement) if current_user.is_authenticated else []
    return render_template("achievements/detail.html", achievement=achievement, owner=owner, matches=matches,
                           files=attachments.files_of(session, current_user, AttachmentKind.ACHIEVEMENT,
                                                      achievement.id))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.SOLVER)
def new():
    """List a new achievement."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        achievement, errors = run_form(AchievementCreate, lambda data: service.create_achievement(
            db.session(), current_user, data))
        if achievement is not None:
            flash(_("Achievement listed."))
            return redirect(url_for(".detail", achievement_id=achievement.id))
    return render_template("achievements/form.html", values=request.form, errors=errors), form_status(errors)
