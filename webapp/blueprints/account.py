"""Registration, sign-in and sign-out, and personal API tokens."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from models.accounts import Registration
from webapp import db
from webapp.auth import load_account
from webapp.blueprints.forms import form_status, run_form
from webapp.services import accounts

bp = Blueprint("auth", __name__, url_prefix="/account")


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Open an enterprise, solver, manager or commissioner account."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        method = current_app.config.get("PASSWORD_METHOD", "scrypt")
        user, errors = run_form(Registration, lambda data: accounts.register(db.session(), data, method))
        if user is not None:
            login_user(load_account(user.id))
            flash(_("Welcome to Jiebang."))
            return redirect(url_for("home.index"))
    return render_template("account/register.html", values=request.form, errors=errors), form_status(errors)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with e-mail and password."""
    error = None
    if request.method == "POST":
        user = accounts.authenticate(db.session(), request.form.get("email", ""),
                                     request.form.get("password", ""))
        if user is not None:
            login_user(load_account(user.id))
            return redirect(_safe_next(request.args.get("next")))
        error = _("Wrong e-mail or password.")
    status = 401 if error else 200
    return render_template("account/login.html", error=error, values=request.form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out."""
    logout_user()
    return redirect(url_for("home.index"))


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """List, create and revoke personal API tokens."""
    plain = None
    if request.method == "POST":
        _token, plain = accounts.issue_token(db.session(), current_user.id, request.form.get("name", ""))
        db.commit()
    return render_template("account/tokens.html", plain=plain,
                           tokens=accounts.list_tokens(db.session(), current_user.id))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    """Revoke one personal API token."""
    accounts.revoke_token(db.session(), current_user.id, token_id)
    db.commit()
    return redirect(url_for(".tokens"))


def _safe_next(target: str | None) -> str:
    """Only follow same-site relative redirects after sign-in."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")
