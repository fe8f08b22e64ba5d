"""Registration, sign-in and sign-out, and personal API tokens."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from models.accounts import Registration, User
from webapp import db
from webapp.auth import load_account
from webapp.blueprints.forms import form_status, run_form
from webapp.redirects import same_site_path
from webapp.services import accounts, throttle

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
    login_user(load_account(user.id))
    return user


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


def safe_next(target: str | None) -> str:
    """Follow only a same-site path after sign-in, judged as a browser would read it; else the home page."""
    return same_site_path(target) or url_for("home.index")
