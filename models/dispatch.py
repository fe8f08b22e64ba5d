"""Dispatches of science commissioners (科技特派员) to enterprises."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.common import enum_type, utcnow


class DispatchStatus(StrEnum):
    """Whether a dispatch is planned, running or over."""

    PLANNED = "planned"
    ACTIVE = "active"
    ENDED = "ended"


class Dispatch(SQLModel, table=True):
    """A commissioner assigned to an enterprise for a period."""

    id: int | None = Field(default=None, primary_key=True)
    commissioner_profile_id: int = Field(foreign_key="profile.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    challenge_id: int | None = Field(default=None, foreign_key="challenge.id", index=True)
    start_date: dt.date
    end_date: dt.date
    status: DispatchStatus = Field(
        default=DispatchStatus.PLANNED, sa_type=enum_type(DispatchStatus)
    )
    created_by: int = Field(foreign_key="user.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
