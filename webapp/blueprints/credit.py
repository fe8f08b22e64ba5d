"""Credit pages (信用): government keeps the watch list and blacklist; a listed party reads its entries and
appeals."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.accounts import Role
from models.credit import Decision, ListingCreate
from webapp import db
from webapp.blueprints.forms import form_status, run_form
from webapp.services import credit

bp = Blueprint("credit", __name__, url_prefix="/credit")
ACTIONS = {"lift": lambda: _("Entry lifted; the party was told."), "appeal": lambda: _("Appeal sent to government."),
           "grant": lambda: _("Appeal granted; the entry is lifted."),
           "uphold": lambda: _("Appeal upheld; the entry stays.")}


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    """The entries this user may read; government adds an entry with the form on the same page."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not current_user.has(Role.GOVERNMENT.value):
            return redirect(url_for(".index"))
        entry, errors = run_form(ListingCreate, lambda data: credit.list_party(db.session(), current_user, data))
        if entry is not None:
            flash(_("Entry recorded; the party was told."))
            return redirect(url_for(".index"))
    session = db.session()
    rows = [credit.read(session, e) for e in credit.visible(session, current_user)]
    return render_template("credit/index.html", rows=rows, values=request.form, errors=errors), form_status(errors)


@bp.route("/<int:entry_id>/<any(lift, appeal, grant, uphold):action>", methods=["POST"])
@login_required
def act(entry_id: int, action: str):
    """Lift an entry, decide an appeal (government), or appeal (the listed party), each with a text."""
    session = db.session()
    run = {"lift": lambda t: credit.lift(session, current_user, entry_id, t),
           "appeal": lambda t: credit.appeal(session, current_user, entry_id, t),
           "grant": lambda t: credit.decide(session, current_user, entry_id, True, t),
           "uphold": lambda t: credit.decide(session, current_user, entry_id, False, t)}[action]
    _done, errors = run_form(Decision, lambda data: run(data.text), {"text": request.form.get("text", "")})
    flash(_("Say why: the text must not be empty.") if errors else ACTIONS[action](), "error" if errors else "info")
    return redirect(url_for(".index", _anchor=f"entry-{entry_id}"))

