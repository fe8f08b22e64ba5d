"""The admin console: staff accounts, account deactivation, API tokens, organisations and the audit log.

Built with the app's own blueprints rather than a generic admin library (Flask-Admin): every page here
goes through the same services, permission rules, audit trail, CSRF and translations as the rest.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models.accounts import Role
from models.validation import MAX_RECORD_ID
from webapp import db
from webapp.auth import roles_required
from webapp.services import admin
from webapp.services.errors import DomainError
from webapp.transfer.tables import write_csv

bp = Blueprint("admin", __name__, url_prefix="/admin")
AUDIT_COLUMNS = ["id", "at", "actor", "action", "entity", "entity_id", "before", "after"]


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    """The console's start: what an admin looks after."""
    return render_template("admin/index.html")


@bp.route("/accounts", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def accounts():
    """Find accounts; open a government or admin account."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.form
        try:
            staff = admin.create_staff(db.session(), current_user, form.get("email", ""), form.get("name", ""),
                                       form.get("role", ""), form.get("organisation", ""), form.get("region", ""),
                                       form.get("password", ""), current_app.config.get("PASSWORD_METHOD", "scrypt"))
        except DomainError as exc:
            db.rollback()
            errors = exc.fields or {"form": exc.message}
        else:
            db.commit()
            flash(_("Account %(email)s created.", email=staff.email))
            return redirect(url_for(".accounts"))
    q, page = request.args.get("q", ""), max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = admin.users(db.session(), q, page)
    return render_template("admin/accounts.html", rows=rows, total=total, q=q, page=page,
                           pages=max(1, -(-total // admin.PAGE)), values=request.form,
                           errors=errors), 422 if errors else 200


@bp.route("/accounts/<int:user_id>/<any(deactivate, reactivate):action>", methods=["POST"])
@roles_required(Role.ADMIN)
def activation(user_id: int, action: str):
    """Deactivate or reactivate an account."""
    admin.set_active(db.session(), current_user, user_id, action == "reactivate")
    db.commit()
    flash(_("Account reactivated.") if action == "reactivate" else _("Account deactivated; its sessions and "
                                                                       "tokens ended."))
    return redirect(url_for(".accounts", q=request.args.get("q", "")))


@bp.route("/tokens")
@roles_required(Role.ADMIN)
def tokens():
    """Every live API token."""
    return render_template("admin/tokens.html", rows=admin.live_tokens(db.session()))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required(Role.ADMIN)
def revoke(token_id: int):
    """Revoke anyone's API token."""
    admin.revoke_token(db.session(), current_user, token_id)
    db.commit()
    flash(_("Token revoked."))
    return redirect(url_for(".tokens"))


@bp.route("/audit")
@bp.route("/audit.csv", endpoint="audit_csv")
@roles_required(Role.ADMIN)
def audit():
    """The audit log, filtered by actor, organisation, record, action and period; also as CSV."""
    wanted, errors = _audit_filter()
    csv = request.endpoint == "admin.audit_csv"
    rows = admin.audit_log(db.session(), current_user, wanted, limit=None if csv else 200)
    if csv:
        body = write_csv(AUDIT_COLUMNS, [[e.id, e.at.isoformat(), u.email if u else "", e.action, e.entity,
                                          e.entity_id, e.before or "", e.after or ""] for e, u in rows])
        return Response(body, mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=audit.csv"})
    return render_template("admin/audit.html", rows=rows, args=request.args, errors=errors), 422 if errors else 200


def _audit_filter() -> tuple[admin.AuditFilter, dict[str, str]]:
    args, errors = request.args, {}
    numbers: dict[str, int | None] = {}
    for name in ("organisation_id", "entity_id"):
        raw = args.get(name, "").strip()
        numbers[name] = int(raw) if raw.isdigit() and int(raw) <= MAX_RECORD_ID else None
        if raw and numbers[name] is None:
            errors[name] = _("Enter a whole number.")
    dates: dict[str, dt.date | None] = {}
    for name in ("start", "end"):
        try:
            dates[name] = dt.date.fromisoformat(args[name]) if args.get(name) else None
        except ValueError:
            dates[name], errors[name] = None, _("Enter a date as YYYY-MM-DD.")
    if dates["start"] and dates["end"] and dates["end"] < dates["start"]:
        errors["end"] = _("The end date must be after the start date.")
        dates["end"] = None
    return admin.AuditFilter(args.get("actor", "")[:200], numbers["organisation_id"], args.get("entity", "")[:50],
                             numbers["entity_id"], args.get("action", "")[:50], dates["start"], dates["end"]), errors
