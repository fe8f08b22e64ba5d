"""Notification endpoints: the caller's inbox and marking it read."""

from __future__ import annotations

from flask_login import current_user, login_required

from models.notifications import NotificationList, NotificationRead
from webapp import db
from webapp.api.base import Done, bp, responses, validate
from webapp.services import notifications


@bp.get("/notifications")
@login_required
@validate(resp=responses(200, NotificationList), tags=["notifications"])
def list_notifications():
    """The caller's notifications, newest first, with the unread count."""
    session = db.session()
    rows = notifications.inbox(session, current_user.id)
    items = [NotificationRead(id=r.id, kind=r.kind, message=notifications.message(r), link=r.link,
                              created_at=r.created_at, read=r.read_at is not None) for r in rows]
    return NotificationList(unread=notifications.unread_count(session, current_user.id), items=items)


@bp.post("/notifications/read")
@login_required
@validate(resp=responses(200, Done), tags=["notifications"])
def read_notifications():
    """Mark every notification of the caller as read."""
    notifications.mark_all_read(db.session(), current_user.id)
    db.commit()
    return Done()
