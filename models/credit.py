"""Credit lists (信用管理): government's watch list and blacklist (失信名单) of organisations and people, each
entry with a reason, a period and an appeal."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from models.common import enum_type, utcnow
from models.validation import iso_date, non_blank, not_before_start


class ListKind(StrEnum):
    """A watch list entry only warns; a blacklist entry bars the party during its period."""

    WATCH = "watch"
    BLACKLIST = "blacklist"


class ListingStatus(StrEnum):
    """An entry is in force for its period unless government lifted it."""

    ACTIVE = "active"
    LIFTED = "lifted"


class AppealStatus(StrEnum):
    """The listed party's appeal: none yet, pending, or decided (the entry upheld or lifted)."""

    NONE = "none"
    PENDING = "pending"
    UPHELD = "upheld"
    GRANTED = "granted"


class CreditListing(SQLModel, table=True):
    """One entry of the watch list or blacklist, naming an organisation or a person."""

    id: int | None = Field(default=None, primary_key=True)
    kind: ListKind = Field(sa_type=enum_type(ListKind), index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    start_date: dt.date
    end_date: dt.date
    status: ListingStatus = Field(default=ListingStatus.ACTIVE, index=True, sa_type=enum_type(ListingStatus))
    appeal: AppealStatus = Field(default=AppealStatus.NONE, sa_type=enum_type(AppealStatus))
    appeal_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    decision: str = Field(default="", sa_column=Column(Text, nullable=False))  # government's answer, or why lifted
    created_by: int = Field(foreign_key="user.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    appealed_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None


class ListingCreate(SQLModel):
    """Government lists an organisation (by its exact name) or a person (by e-mail) with a reason and period."""

    kind: ListKind
    organisation: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    reason: str = Field(min_length=1, max_length=5000)
    start_date: dt.date
    end_date: dt.date

    _reason = field_validator("reason")(non_blank)
    _iso = field_validator("start_date", "end_date", mode="before")(iso_date)

    _after_start = field_validator("end_date")(not_before_start)


class Decision(SQLModel):
    """Government's answer to an appeal, or its reason for lifting an entry."""

    text: str = Field(min_length=1, max_length=5000)

    _text = field_validator("text")(non_blank)


class ListingRead(SQLModel):
    """An entry as government and the listed party read it."""

    id: int
    kind: ListKind
    organisation_id: int | None
    user_id: int | None
    party: str
    reason: str
    start_date: dt.date
    end_date: dt.date
    status: ListingStatus
    in_force: bool
    appeal: AppealStatus
    appeal_text: str
    decision: str


class ListingList(SQLModel):
    """Entries, newest first."""

    items: list[ListingRead]
