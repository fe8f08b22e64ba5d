"""The audit trail: who did what to which record, when, before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.common import utcnow


class AuditEvent(SQLModel, table=True):
    """One state change of one record."""

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    action: str = Field(max_length=50, index=True)
    entity: str = Field(max_length=50, index=True)
    entity_id: int = Field(index=True)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    at: dt.datetime = Field(default_factory=utcnow, index=True)
