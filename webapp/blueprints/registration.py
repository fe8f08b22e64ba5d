"""Opening an account: a new organisation or a request to join one, an invitation link, e-mail confirmation."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models.accounts import InvitedRegistration, Membership, OrgStatus, Registration
from webapp import db
from webapp.auth import load_account, start_session
from webapp.blueprints.forms import form_status, run_form
from webapp.services import accounts, organisations, recovery

bp = Blueprint("registration", __name__, url_prefix="/account")


def _method() -> str:
    return current_app.config.get("PASSWORD_METHOD", "scrypt")


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Open an account for a new organisation, or ask to join an existing one."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        user, errors = run_form(Registration, lambda data: _registered(accounts.register(db.session(), data,
                                                                                          _method())))
        if user is not None:
            start_session(load_account(user.id))
            flash(_welcome(user.membership))
            return redirect(url_for("home.index"))
    values = request.form if request.method == "POST" else {"organisation_mode": request.args.get("mode", "new")}
    return render_template("account/register.html", values=values, errors=errors), form_status(errors)


def _registered(user):
    recovery.send_verification(db.session(), user)
    return user


def _welcome(membership: Membership) -> str:
    if membership == Membership.PENDING:
        return _("Welcome to Jiebang. The organisation's administrators were asked to approve you; until then "
                 "you can fill in your profile.")
    return _("Welcome to Jiebang. Your organisation awaits verification by government; meanwhile you can fill "
             "in your profile and draft challenges. We sent you a link to confirm your e-mail address.")


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    """Open an account through an organisation's invitation link (single-use, for the invited address)."""
    invitation, org = organisations.invitation_of(db.session(), token)
    if current_user.is_authenticated:
        flash(_("Sign out first: an invitation opens a new account for %(email)s.", email=invitation.email))
        return redirect(url_for("home.index"))
    errors: dict[str, str] = {}
    if request.method == "POST":
        user, errors = run_form(InvitedRegistration,
                                lambda data: accounts.register_invited(db.session(), token, data, _method()))
        if user is not None:
            start_session(load_account(user.id))
            flash(_("Welcome to Jiebang: you joined %(name)s.", name=org.name))
            return redirect(url_for("home.index"))
    return render_template("account/join.html", invitation=invitation, organisation=org,
                           verified=org.status == OrgStatus.VERIFIED, values=request.form,
                           errors=errors), form_status(errors)


@bp.route("/verify/<token>")
def verify(token: str):
    """Confirm an e-mail address from the link we sent."""
    recovery.verify_email(db.session(), token)
    db.commit()
    flash(_("Thank you: your e-mail address is confirmed."))
    return redirect(url_for("home.index"))
