"""Science commissioners (科技特派员): enterprises' requests, solved proposals, and dispatches."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import ValidationInfo, field_validator
from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel, col

from models.common import ReasonRead, enum_type, today, utcnow
from models.validation import MAX_RECORD_ID, iso_date, non_blank, within_years


class DispatchStatus(StrEnum):
    """Whether a dispatch is planned, running or over."""

    PLANNED = "planned"
    ACTIVE = "active"
    ENDED = "ended"


def is_live(day: Any = None):
    """SQL condition: a dispatch not cancelled or ended whose period has not run out (end date `day` or later:
    today by default, or a bound parameter of a statement built once).

    Planned and active dispatches become past on their own when the end date passes; nothing has to run.
    """
    return col(Dispatch.status).in_((DispatchStatus.PLANNED, DispatchStatus.ACTIVE)) \
        & (col(Dispatch.end_date) >= (today() if day is None else day))


def shown_status(dispatch: Dispatch) -> DispatchStatus:
    """The status a person should see: by the calendar for planned and active dispatches."""
    if dispatch.status == DispatchStatus.ENDED or dispatch.end_date < today():
        return DispatchStatus.ENDED
    return DispatchStatus.ACTIVE if dispatch.start_date <= today() else DispatchStatus.PLANNED


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


class RequestStatus(StrEnum):
    """Whether an enterprise's request for a commissioner still waits."""

    OPEN = "open"
    FULFILLED = "fulfilled"
    WITHDRAWN = "withdrawn"


MAX_COMMISSIONERS_PER_REQUEST = 5


class DispatchRequest(SQLModel, table=True):
    """An enterprise asks for science commissioners, describing its need."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    requested_by: int = Field(foreign_key="user.id")
    need: str = Field(sa_column=Column(Text, nullable=False))
    count: int = Field(default=1, ge=1, le=MAX_COMMISSIONERS_PER_REQUEST)
    status: RequestStatus = Field(default=RequestStatus.OPEN, index=True, sa_type=enum_type(RequestStatus))
    created_at: dt.datetime = Field(default_factory=utcnow)


class DispatchRequestCreate(SQLModel):
    """What an enterprise writes when it asks for help."""

    need: str = Field(min_length=10, max_length=2000)
    count: int = Field(default=1, ge=1, le=MAX_COMMISSIONERS_PER_REQUEST)

    _need = field_validator("need")(non_blank)


class DispatchRequestRead(SQLModel):
    """A request as the API shows it."""

    id: int
    organisation_id: int
    need: str
    count: int
    status: RequestStatus
    created_at: dt.datetime


class ProposalStatus(StrEnum):
    """A proposal is edited as a draft, then approved or discarded."""

    DRAFT = "draft"
    APPROVED = "approved"
    DISCARDED = "discarded"


class DispatchProposal(SQLModel, table=True):
    """An assignment of commissioners to requests, solved by the system and edited by government."""

    id: int | None = Field(default=None, primary_key=True)
    created_by: int = Field(foreign_key="user.id")
    request_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    same_region: bool = False
    start_date: dt.date
    end_date: dt.date
    status: ProposalStatus = Field(default=ProposalStatus.DRAFT, sa_type=enum_type(ProposalStatus))
    total_score: float = 0.0
    created_at: dt.datetime = Field(default_factory=utcnow)
    decided_at: dt.datetime | None = None


class ProposalItem(SQLModel, table=True):
    """One commissioner for one request in a proposal; `dispatch_id` is set when approved."""

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="dispatchproposal.id", index=True)
    request_id: int = Field(foreign_key="dispatchrequest.id", index=True)
    commissioner_profile_id: int = Field(foreign_key="profile.id")
    score: float = Field(ge=0, le=1)
    reasons: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    added_by_hand: bool = False
    dispatch_id: int | None = Field(default=None, foreign_key="dispatch.id")


class ProposalCreate(SQLModel):
    """Which requests to solve, for which period, under which rules."""

    request_ids: list[Annotated[int, Field(ge=1, le=MAX_RECORD_ID)]] = Field(min_length=1, max_length=500)
    start_date: dt.date
    end_date: dt.date
    same_region: bool = False

    _iso = field_validator("start_date", "end_date", mode="before")(iso_date)

    # Each rule is checked on the field it is about, so a form marks that field.
    @field_validator("start_date")
    @classmethod
    def _recent_start(cls, value: dt.date) -> dt.date:
        if value < today() - dt.timedelta(days=365):
            raise ValueError("the service period cannot start more than a year ago")
        return value

    @field_validator("end_date")
    @classmethod
    def _period(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start_date")
        if start is not None and value <= start:
            raise ValueError("the end date must be after the start date")
        if value <= today():
            raise ValueError("the service period has already ended")
        within_years(value)
        return value


class ProposalItemRead(SQLModel):
    """One proposed pair as the API shows it."""

    id: int
    request_id: int
    organisation_id: int
    commissioner_profile_id: int
    commissioner: str
    score: float
    reasons: list[ReasonRead]
    added_by_hand: bool


class ProposalRead(SQLModel):
    """A proposal with its pairs."""

    id: int
    status: ProposalStatus
    same_region: bool
    start_date: dt.date
    end_date: dt.date
    total_score: float
    items: list[ProposalItemRead]


class ProposalItemCreate(SQLModel):
    """Government adds a commissioner to a request by hand."""

    request_id: int = Field(ge=1, le=MAX_RECORD_ID)
    commissioner_profile_id: int = Field(ge=1, le=MAX_RECORD_ID)


class DispatchRead(SQLModel):
    """A recorded dispatch."""

    id: int
    commissioner_profile_id: int
    organisation_id: int
    start_date: dt.date
    end_date: dt.date
    status: DispatchStatus
