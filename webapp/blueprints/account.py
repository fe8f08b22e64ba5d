"""Sign-in and sign-out, passwords (change, forgotten, reset), and personal API tokens."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from models.accounts import User
from webapp import db
from webapp.auth import authenticated_by_token, end_sessions, load_account, start_session
from webapp.blueprints.forms import form_status
from webapp.redirects import same_site_path
from webapp.services import accounts, recovery, throttle
from webapp.services.errors import ValidationError

bp = Blueprint("auth", __name__, url_prefix="/account")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with e-mail and password."""
    error, status, headers = None, 200, {}
    if request.method == "POST":
        email = request.form.get("email", "")
        try:
            user = sign_in(email, request.form.get("password", ""))
        except throttle.TooManyAttempts as exc:
            error, status, headers = exc.message, 429, exc.headers
        else:
            if user is not None:
                return redirect(safe_next(request.args.get("next")))
            error, status = _("Wrong e-mail or password."), 401
    return render_template("account/login.html", error=error, values=request.form), status, headers


def sign_in(email: str, password: str) -> User | None:
    """Check a password under the throttle and sign the user in; the user, or None."""
    attempt = throttle.begin(db.session(), email, request.remote_addr)
    method = current_app.config.get("PASSWORD_METHOD", "scrypt")
    user = accounts.authenticate(db.session(), email, password, method)
    if user is None:
        return None
    throttle.succeeded(db.session(), attempt, email)
    db.commit()
    start_session(load_account(user.id))
    return user


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out: this session, and any copy of its cookie, ends for good."""
    if current_user.is_authenticated and not authenticated_by_token():
        user = db.session().get(User, current_user.id)
        if user is not None:
            end_sessions(user)
            db.commit()
    logout_user()
    return redirect(url_for("home.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password (every other session ends; this one goes on)."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        method = current_app.config.get("PASSWORD_METHOD", "scrypt")
        try:
            user = recovery.change_password(db.session(), current_user.id, request.form.get("current_password", ""),
                                            request.form.get("password", ""), method)
        except ValidationError as exc:
            db.rollback()
            errors = exc.fields
        else:
            db.commit()
            start_session(load_account(user.id))
            flash(_("Your password was changed; other sessions were signed out."))
            return redirect(url_for("home.index"))
    return render_template("account/password.html", errors=errors), form_status(errors)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link; the answer never says whether the address has an account."""
    if request.method == "POST":
        recovery.forgot(db.session(), request.form.get("email", ""))
        db.commit()
        return render_template("account/forgot.html", sent=True)
    return render_template("account/forgot.html", sent=False)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through a reset link (once; every session and API token of the account ends)."""
    user = recovery.reset_user(db.session(), token)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            recovery.set_password(db.session(), user, request.form.get("password", ""),
                                  current_app.config.get("PASSWORD_METHOD", "scrypt"), revoke_tokens=True)
        except ValidationError as exc:
            db.rollback()
            errors = exc.fields
        else:
            db.commit()
            flash(_("Your password was reset. Please sign in."))
            return redirect(url_for(".login"))
    return render_template("account/reset.html", errors=errors), form_status(errors)


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


def safe_next(target: str | None) -> str:
    """Follow only a same-site path after sign-in, judged as a browser would read it; else the home page."""
    return same_site_path(target) or url_for("home.index")
