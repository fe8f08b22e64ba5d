"""Conflict-of-interest pages: see, declare and withdraw declarations."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import col, select

from models.accounts import Organisation, OrgKind
from models.curation import ConflictCreate
from webapp import db
from webapp.blueprints.forms import run_form
from webapp.services import conflicts

bp = Blueprint("conflicts", __name__, url_prefix="/conflicts")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    """Declarations that concern the user, and the form to add one."""
    if request.method == "POST":
        values = {k: v for k, v in request.form.items() if k not in ("csrf_token", "next") and v != ""}
        _done, errors = run_form(ConflictCreate, lambda data: conflicts.declare(
            db.session(), current_user, data.profile_id, data.organisation_id, data.note), values)
        flash(next(iter(errors.values())) if errors else _("Conflict of interest declared; it will not be proposed."),
              "error" if errors else "info")
        return redirect(local_path(request.form.get("next", "")) or url_for(".index"))
    session = db.session()
    organisations = [] if current_user.has("enterprise") else session.exec(
        select(Organisation).where(Organisation.kind == OrgKind.ENTERPRISE).order_by(col(Organisation.name))).all()
    return render_template("conflicts.html", rows=conflicts.declarations_of(session, current_user),
                           organisations=organisations)


@bp.route("/<int:declaration_id>/withdraw", methods=["POST"])
@login_required
def withdraw(declaration_id: int):
    """Take back one's own declaration."""
    conflicts.withdraw(db.session(), current_user, declaration_id)
    db.commit()
    flash(_("Declaration withdrawn."))
    return redirect(url_for(".index"))


def local_path(target: str) -> str:
    """A same-site path to return to, or "" (never an open redirect)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else ""
