"""Notify users of events, and read their inbox (texts in the reader's language)."""

from __future__ import annotations

from flask_babel import get_locale
from sqlalchemy import func
from sqlmodel import Session, col, select, update

from models.common import utcnow
from models.notifications import Notification

MESSAGES: dict[str, tuple[str, str]] = {
    "challenge.published": ("您的榜单“{title}”已通过审核并发布。",
                            "Your challenge “{title}” was approved and published."),
    "challenge.rejected": ("您的榜单“{title}”未通过审核：{reason}", "Your challenge “{title}” was rejected: {reason}"),
    "bid.submitted": ("榜单“{title}”收到新的揭榜申请。", "Your challenge “{title}” received a new bid."),
    "bid.shortlisted": ("您对“{title}”的揭榜申请已入围。", "Your bid on “{title}” was shortlisted."),
    "bid.accepted": ("您对“{title}”的揭榜申请已被选定。", "Your bid on “{title}” was accepted."),
    "bid.declined": ("您对“{title}”的揭榜申请未被选用：{reason}", "Your bid on “{title}” was declined: {reason}"),
    "curation.recommended": ("技术经理人为榜单“{title}”推荐了{name}：{note}",
                             "A technical manager recommended {name} for “{title}”: {note}"),
    "invitation": ("{organisation}邀请您揭榜“{title}”。", "{organisation} invites you to bid on “{title}”."),
}


def notify(session: Session, user_id: int, kind: str, link: str = "", **params: str) -> Notification:
    """Add a notification for one user (committed with the rest of the request)."""
    row = Notification(user_id=user_id, kind=kind, params={k: str(v) for k, v in params.items()}, link=link)
    session.add(row)
    return row


def message(row: Notification) -> str:
    """The notification's text in the current language."""
    zh, en = MESSAGES.get(row.kind, ("{kind}", "{kind}"))
    template = zh if str(get_locale()) == "zh" else en
    try:
        return template.format(kind=row.kind, **row.params)
    except KeyError:
        return row.kind


def inbox(session: Session, user_id: int, limit: int = 100) -> list[Notification]:
    """The user's newest notifications."""
    return list(session.exec(select(Notification).where(Notification.user_id == user_id)
                             .order_by(col(Notification.id).desc()).limit(limit)))


def unread_count(session: Session, user_id: int) -> int:
    """How many notifications the user has not read."""
    return session.exec(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at == None)).one()  # noqa: E711


def mark_all_read(session: Session, user_id: int) -> None:
    """Mark every unread notification of the user as read."""
    session.exec(update(Notification).where(Notification.user_id == user_id, Notification.read_at == None)  # noqa: E711
                 .values(read_at=utcnow()))
