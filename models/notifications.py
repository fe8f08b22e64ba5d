"""In-app notifications: what a user must act on or would want to know."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.common import utcnow


class Notification(SQLModel, table=True):
    """One message to one user; the text is rendered in the reader's language from kind and params."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=40)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    link: str = Field(default="", max_length=300)
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)
    read_at: dt.datetime | None = None


class NotificationRead(SQLModel):
    """A notification as the API shows it."""

    id: int
    kind: str
    message: str
    link: str
    created_at: dt.datetime
    read: bool


class NotificationList(SQLModel):
    """The caller's inbox."""

    unread: int
    items: list[NotificationRead]
