"""Sign-in throttling that holds across gunicorn workers and hosts: attempts live in the database.

Each sign-in attempt is written (and committed, in a transaction of its own: call these before the
request has written anything) before its password is checked, then the attempts in the window are
counted: of any number of concurrent attempts only those within the limit go on, on either database.
A success removes the account's attempts and its own address attempt; failures stay until the window
passes. Failed API tokens count against the client's address the same way.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from models.common import utcnow
from models.db import writing
from models.security import SignInFailure
from webapp.services.errors import DomainError

WINDOW = dt.timedelta(minutes=15)
ACCOUNT_LIMIT = 10  # attempts per account and window (SIGNIN_ACCOUNT_LIMIT)
ADDRESS_LIMIT = 50  # attempts per client address and window (SIGNIN_ADDRESS_LIMIT; offices share one address)


def _limit(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


class TooManyAttempts(DomainError):
    """Too many sign-in attempts: wait `retry_after` seconds."""

    status = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int):
        super().__init__(_("Too many sign-in attempts. Please wait %(minutes)s minute(s) and try again.",
                           minutes=max(1, math.ceil(retry_after / 60))))
        self.headers = {"Retry-After": str(retry_after)}


@dataclass(frozen=True)
class Attempt:
    """The rows one sign-in attempt wrote, to forget them after a success."""

    ids: tuple[int, ...]


def account_scope(email: str) -> str:
    """The counter of one account (by its normalised e-mail, known or not)."""
    return "account:" + email.strip().lower()[:280]


def address_scope(address: str | None) -> str:
    """The counter of one client address."""
    return "address:" + (address or "unknown")[:280]


def begin(session: Session, email: str, address: str | None) -> Attempt:
    """Record an attempt for the account and the address; TooManyAttempts past either limit."""
    scopes = {account_scope(email): _limit("SIGNIN_ACCOUNT_LIMIT", ACCOUNT_LIMIT),
              address_scope(address): _limit("SIGNIN_ADDRESS_LIMIT", ADDRESS_LIMIT)}
    session.commit()  # end the request's reads: the attempt is a write transaction of its own
    with writing():
        rows = [SignInFailure(scope=scope) for scope in scopes]
        session.add_all(rows)
        session.exec(delete(SignInFailure).where(col(SignInFailure.at) < utcnow() - WINDOW))
        session.commit()
        attempt = Attempt(tuple(r.id for r in rows if r.id is not None))
        for scope, limit in scopes.items():
            _refuse_past(session, scope, limit)
    return attempt


def succeeded(session: Session, attempt: Attempt, email: str) -> None:
    """Forget the account's attempts and this attempt's address row (in the request's transaction)."""
    session.exec(delete(SignInFailure).where(or_scope(account_scope(email), attempt.ids)))


def or_scope(scope: str, ids: tuple[int, ...]):
    """Rows of one scope, or with one of `ids`."""
    return (col(SignInFailure.scope) == scope) | col(SignInFailure.id).in_(ids)


def failed_token(session: Session, address: str | None) -> None:
    """Count a wrong API token against its client address; TooManyAttempts once the address is past its limit."""
    session.commit()
    with writing():
        session.add(SignInFailure(scope=address_scope(address)))
        session.exec(delete(SignInFailure).where(col(SignInFailure.at) < utcnow() - WINDOW))
        session.commit()
    _refuse_past(session, address_scope(address), _limit("SIGNIN_ADDRESS_LIMIT", ADDRESS_LIMIT))


def _refuse_past(session: Session, scope: str, limit: int) -> None:
    since = utcnow() - WINDOW
    count, oldest = session.exec(select(func.count(), func.min(SignInFailure.at)).where(
        SignInFailure.scope == scope, col(SignInFailure.at) >= since)).one()
    if count > limit:
        oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=dt.UTC)
        raise TooManyAttempts(max(1, math.ceil((oldest + WINDOW - utcnow()).total_seconds())))
