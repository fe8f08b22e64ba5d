"""The in-app inbox, and the unread count every page shows."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp import db
from webapp.services import notifications

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


@bp.app_context_processor
def _unread():
    """The signed-in user's unread count, for the navigation."""
    return {"unread": current_user.unread if current_user.is_authenticated else 0}  # counted with the account


@bp.route("/")
@login_required
def index():
    """The user's notifications, newest first."""
    rows = notifications.inbox(db.session(), current_user.id)
    return render_template("inbox.html", rows=rows, message=notifications.message)


@bp.route("/read", methods=["POST"])
@login_required
def read():
    """Mark every notification as read."""
    notifications.mark_all_read(db.session(), current_user.id)
    db.commit()
    return redirect(url_for(".index"))
