"""`Idempotency-Key` on the API's creating requests: a client that lost the answer (a dropped connection,
a worker killed mid-burst) sends the same request again and gets the first answer, not a second record.

Same key and same request (method, path, body) → the stored answer, marked `Idempotent-Replayed: true`;
same key, other request → 422. Keys belong to the caller, are kept 24 hours, and are written in the same
transaction as the request's effects, so a key is stored exactly when its effects are.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import Response, g, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from models.common import utcnow
from models.security import IdempotencyKey
from webapp import db
from webapp.services.errors import ValidationError

HEADER = "Idempotency-Key"
KEEP = dt.timedelta(hours=24)
MAX_KEY = 255


class LostRace(Exception):
    """A concurrent request with the same key committed first: run again to replay its answer."""


def _key() -> str | None:
    """The request's key, for creating API calls by a signed-in caller."""
    key = request.headers.get(HEADER)
    if key is None or request.method != "POST" or not request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        message = _("An Idempotency-Key is 1 to 255 printable characters.")
        raise ValidationError(message, {HEADER: message})
    return key


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.get_data(cache=True)):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def replay() -> Response | None:
    """The stored answer to this request's key, if it has one (None: run the view)."""
    key = _key()
    if key is None:
        return None
    session = db.session()
    row = session.exec(select(IdempotencyKey).where(
        IdempotencyKey.user_id == current_user.id, IdempotencyKey.key == key)).first()
    if row is not None and row.created_at < utcnow() - KEEP:
        session.delete(row)
        session.flush()
        row = None
    if row is None:
        g.idempotency_key = _claim(key)
        return None
    if row.fingerprint != _fingerprint():
        message = _("This Idempotency-Key was used for another request.")
        raise ValidationError(message, {HEADER: message})
    response = Response(row.body, status=row.status_code, content_type=row.content_type)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _claim(key: str) -> IdempotencyKey:
    """Hold the key for this request: a concurrent request with the same key waits on it (PostgreSQL's
    unique index) until this one commits, then replays its answer; the row is never seen half-written."""
    row = IdempotencyKey(user_id=current_user.id, key=key, fingerprint=_fingerprint(), status_code=0,
                         content_type="")
    session = db.session()
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise LostRace() from None
    return row


def remember(response: Response) -> None:
    """Keep a successful answer under the request's key, in the request's transaction (else free the key)."""
    row = g.pop("idempotency_key", None)
    if row is None:
        return
    session = db.session()
    if not 200 <= response.status_code < 300:
        session.delete(row)
        return
    row.status_code, row.content_type = response.status_code, response.content_type or ""
    row.body = response.get_data(as_text=True)
    session.add(row)
