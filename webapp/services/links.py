"""Signed, expiring links sent by e-mail: verify an address, reset a password, join an organisation.

Each link is signed with the app's SECRET_KEY under its own purpose (a link of one kind never works as
another), expires, and is single-use: a reset link names the password hash it may replace, an invitation
link its invitation, which is spent by a conditional update.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from webapp.services.errors import DomainError

AGES = {"verify-email": 7 * 24 * 3600, "reset-password": 3600, "join-organisation": 7 * 24 * 3600}


class LinkInvalid(DomainError):
    """A link that is damaged, of another kind, expired or already used."""

    status = 400
    code = "link_invalid"


def make(purpose: str, data: dict[str, Any]) -> str:
    """A signed token for `purpose` carrying `data`."""
    return _serializer(purpose).dumps(data)


def read(purpose: str, token: str, expired_message: str, invalid_message: str) -> dict[str, Any]:
    """The data of a valid token for `purpose`; LinkInvalid with the right message otherwise."""
    try:
        data = _serializer(purpose).loads(token, max_age=AGES[purpose])
    except SignatureExpired:
        raise LinkInvalid(expired_message) from None
    except BadSignature:
        raise LinkInvalid(invalid_message) from None
    if not isinstance(data, dict):
        raise LinkInvalid(invalid_message)
    return data


def public_url(path: str) -> str:
    """The link's full address for an e-mail."""
    return current_app.config.get("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/") + path


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"jiebang.{purpose}")
