"""E-mail copies of notifications, delivered through SMTP by the background worker (transactional outbox).

Nothing is sent unless MAIL_SERVER is configured. A message is a `mail` job written in the same
transaction as the action and its in-app notification: a rolled-back action mails nobody, a committed
one is never lost, and no request waits for the mail server. The worker (`flask worker`) retries with
backoff while the server is down and marks a message failed for good after its last attempt or a
permanent refusal (5xx). Header values are single lines built by the app, so user text cannot add
headers. Each message's Message-ID names its job: should a worker die between handing a message to the
server and recording it, the one repeat is recognisable as the same message.
"""

from __future__ import annotations

import logging
import re
import smtplib
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app
from sqlmodel import Session

from models.accounts import User
from models.jobs import Job
from webapp.jobs.queue import PermanentFailure, enqueue, handler

log = logging.getLogger(__name__)
KIND = "mail"


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
    """Put a message for a user in the outbox, in the caller's transaction (nothing without MAIL_SERVER)."""
    if enabled():
        enqueue(session, KIND, {"user_id": user_id, "subject": subject, "body": body})


def queue_to(session: Session, address: str, subject: str, body: str) -> None:
    """Put a message for an address without an account (an invitation) in the outbox."""
    if enabled():
        enqueue(session, KIND, {"to": address, "subject": subject, "body": body})


@handler(KIND)
def send(session: Session, payload: dict, job: Job) -> None:
    """Deliver one outbox message (raises to be retried while the server cannot take it)."""
    config = current_app.config
    if not enabled():
        raise PermanentFailure("MAIL_SERVER is not configured")
    address = payload.get("to")
    if address is None:
        user = session.get(User, payload.get("user_id"))
        if user is None or not user.email:
            raise PermanentFailure("the recipient no longer exists")
        address = user.email
    message = _message(config["MAIL_DEFAULT_SENDER"], address, payload["subject"], payload["body"])
    message["Message-ID"] = f"<job-{job.id}@{config['MAIL_DEFAULT_SENDER'].rpartition('@')[2] or 'jiebang'}>"
    try:
        with _connect(config) as smtp:
            smtp.send_message(message)
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500:
            raise PermanentFailure(f"refused by the server: {exc.smtp_code} {exc.smtp_error!r}") from exc
        raise


def one_line(text: str) -> str:
    """A header value on one line: every run of line breaks and other control characters becomes a space."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).strip()


def _message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr(("揭榜 Jiebang", one_line(sender)))
    message["To"] = one_line(to)
    message["Subject"] = one_line(subject)
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
