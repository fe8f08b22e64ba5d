"""E-mail copies of notifications, sent through SMTP after the request's transaction commits.

Nothing is sent unless MAIL_SERVER is configured. Messages wait in the session's outbox and leave only after
a successful commit, so a rolled-back action never mails anyone. A mail server that is down is logged, never
turned into an error page: the in-app inbox already holds the notification.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app
from sqlalchemy import event
from sqlmodel import Session, col, select

from models.accounts import User

log = logging.getLogger(__name__)
OUTBOX = "mail_outbox"


def mail_settings(environ: dict[str, str]) -> dict:
    """The SMTP settings read from the environment (MAIL_SERVER unset means no e-mail)."""
    return {
        "MAIL_SERVER": environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_USE_SSL": environ.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes"),
        "MAIL_USERNAME": environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD", ""),
        "MAIL_DEFAULT_SENDER": environ.get("MAIL_DEFAULT_SENDER", "noreply@jiebang.local"),
        "MAIL_TIMEOUT": float(environ.get("MAIL_TIMEOUT", "10")),
    }


def enabled() -> bool:
    """Whether e-mail is configured for this app."""
    return bool(current_app.config.get("MAIL_SERVER"))


def queue(session: Session, user_id: int, subject: str, body: str) -> None:
    """Hold a message for a user until the session commits."""
    session.info.setdefault(OUTBOX, []).append((user_id, subject, body))


def deliver(session: Session) -> int:
    """Send what the committed transaction queued; return how many messages left."""
    waiting = session.info.pop(OUTBOX, [])
    config = current_app.config
    if not waiting or not enabled():
        return 0
    emails = dict(session.exec(select(User.id, User.email).where(col(User.id).in_([w[0] for w in waiting]))).all())
    messages = [_message(config["MAIL_DEFAULT_SENDER"], emails[uid], subject, body)
                for uid, subject, body in waiting if emails.get(uid)]
    try:
        with _connect(config) as smtp:
            for message in messages:
                smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("could not send %d e-mail(s) through %s: %s", len(messages), config["MAIL_SERVER"], exc)
        return 0
    return len(messages)


def _message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr(("揭榜 Jiebang", sender))
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def _connect(config) -> smtplib.SMTP:
    kind = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    smtp = kind(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
        smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    """A rolled-back transaction sends nothing."""
    session.info.pop(OUTBOX, None)
