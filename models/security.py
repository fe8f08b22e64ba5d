"""Records that protect the service across workers and hosts: sign-in failures (throttling) and
idempotency keys (a retried API request answers again instead of acting twice)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import utcnow


class SignInFailure(SQLModel, table=True):
    """One failed sign-in (or token) attempt, counted per account and per client address."""

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=300, index=True)  # "account:<e-mail>" or "address:<ip>"
    at: dt.datetime = Field(default_factory=utcnow, index=True)


class IdempotencyKey(SQLModel, table=True):
    """The first answer to a creating API request sent with an `Idempotency-Key` header."""

    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    key: str = Field(max_length=255)
    fingerprint: str = Field(max_length=64)  # method, path and body, hashed
    status_code: int
    content_type: str = Field(max_length=100)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)
