"""Government subsidies (政府助题) attached to challenges, released milestone by milestone."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import ValidationInfo, field_validator
from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import enum_type, utcnow
from models.validation import non_blank

MAX_SUBSIDY_YUAN = 1_000_000_000
MAX_MILESTONES = 10


class MilestoneStatus(StrEnum):
    """Where a milestone is: waiting, reported done, returned with a reason, or funds released."""

    PENDING = "pending"
    REPORTED = "reported"
    RETURNED = "returned"
    RELEASED = "released"


class Subsidy(SQLModel, table=True):
    """Government funding of part of a challenge's reward; one per challenge."""

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", unique=True)
    amount: int = Field(ge=1, le=MAX_SUBSIDY_YUAN)
    conditions: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_by: int = Field(foreign_key="user.id")
    created_at: dt.datetime = Field(default_factory=utcnow)


class Milestone(SQLModel, table=True):
    """One tranche of a subsidy; tranches are released strictly in order, each once."""

    __table_args__ = (UniqueConstraint("subsidy_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    subsidy_id: int = Field(foreign_key="subsidy.id", index=True)
    position: int = Field(ge=1)
    title: str = Field(max_length=200)
    amount: int = Field(ge=1, le=MAX_SUBSIDY_YUAN)
    status: MilestoneStatus = Field(default=MilestoneStatus.PENDING, sa_type=enum_type(MilestoneStatus))
    report_note: str = Field(default="", sa_column=Column(Text, nullable=False))
    return_reason: str = Field(default="", max_length=2000)
    reported_at: dt.datetime | None = None
    released_at: dt.datetime | None = None
    released_by: int | None = Field(default=None, foreign_key="user.id")
    # bound to a contract milestone: releasable only once that milestone is accepted
    deliverable_id: int | None = Field(default=None, foreign_key="deliverable.id")


class MilestoneIn(SQLModel):
    """A milestone as government plans it."""

    title: str = Field(min_length=1, max_length=200)
    amount: int = Field(ge=1, le=MAX_SUBSIDY_YUAN)

    _title = field_validator("title")(non_blank)


class SubsidyCreate(SQLModel):
    """A subsidy split into milestones whose amounts add up to the subsidy."""

    amount: int = Field(ge=1, le=MAX_SUBSIDY_YUAN)
    conditions: str = Field(default="", max_length=2000)
    milestones: list[MilestoneIn] = Field(min_length=1, max_length=MAX_MILESTONES)

    @field_validator("milestones")
    @classmethod
    def _adds_up(cls, value: list[MilestoneIn], info: ValidationInfo) -> list[MilestoneIn]:
        amount = info.data.get("amount")
        if amount is not None and sum(m.amount for m in value) != amount:
            raise ValueError("the milestones must add up to the subsidy amount")
        return value


class MilestoneReport(SQLModel):
    """The enterprise reports a milestone done."""

    note: str = Field(min_length=1, max_length=2000)

    _note = field_validator("note")(non_blank)


class MilestoneReturn(SQLModel):
    """Government returns a reported milestone with a reason."""

    reason: str = Field(min_length=1, max_length=2000)

    _reason = field_validator("reason")(non_blank)


class MilestoneRead(SQLModel):
    """A milestone as the API shows it."""

    id: int
    position: int
    title: str
    amount: int
    status: MilestoneStatus
    report_note: str
    return_reason: str
    reported_at: dt.datetime | None
    released_at: dt.datetime | None
    deliverable_id: int | None = None
    deliverable: str = ""  # the bound contract milestone: "solver · position. title (status)"
    deliverable_accepted: bool = False


class Binding(SQLModel):
    """Government binds a subsidy tranche to a contract milestone of the challenge (null unbinds it)."""

    deliverable_id: int | None = Field(default=None, ge=1)


class SubsidyRead(SQLModel):
    """A subsidy with its share of the reward, what is released, and its milestones."""

    id: int
    challenge_id: int
    amount: int
    share: float
    conditions: str
    released: int
    milestones: list[MilestoneRead]
