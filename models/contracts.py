"""Contracts (合同): an accepted bid's agreed price, dates and milestones, from proposal to completion.

The enterprise proposes the terms, the solver confirms them or asks for changes; a confirmed contract is
delivered milestone by milestone (the solver reports with evidence, the enterprise accepts or returns it), and
is completed when its last milestone is accepted, or terminated with a reason.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import ValidationInfo, field_validator
from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.challenges import MAX_BUDGET_YUAN
from models.common import enum_type, utcnow
from models.validation import iso_date, non_blank, not_before_start

MAX_DELIVERABLES = 10


class ContractStatus(StrEnum):
    """Where a contract is."""

    PROPOSED = "proposed"  # the enterprise's terms await the solver
    CHANGES_REQUESTED = "changes_requested"  # the solver asked for changes; the enterprise revises
    CONFIRMED = "confirmed"  # both parties agreed; work under way
    COMPLETED = "completed"  # every milestone accepted
    TERMINATED = "terminated"  # ended early, with a reason


OPEN_CONTRACT_STATUSES = frozenset({ContractStatus.PROPOSED, ContractStatus.CHANGES_REQUESTED,
                                    ContractStatus.CONFIRMED})
ENDED_CONTRACT_STATUSES = frozenset({ContractStatus.COMPLETED, ContractStatus.TERMINATED})


class DeliverableStatus(StrEnum):
    """Where a contract milestone is."""

    PENDING = "pending"
    REPORTED = "reported"
    RETURNED = "returned"
    ACCEPTED = "accepted"


class Contract(SQLModel, table=True):
    """The contract of one accepted bid."""

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    bid_id: int = Field(foreign_key="bid.id", unique=True)
    solver_id: int = Field(foreign_key="user.id", index=True)
    price: int = Field(ge=0, le=MAX_BUDGET_YUAN, sa_type=BigInteger)
    start_date: dt.date
    end_date: dt.date
    status: ContractStatus = Field(default=ContractStatus.PROPOSED, index=True, sa_type=enum_type(ContractStatus))
    revision: int = 1  # each revision of the terms; the solver confirms the one they read
    change_note: str = Field(default="", sa_column=Column(Text, nullable=False))
    end_reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    confirmed_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None


class Deliverable(SQLModel, table=True):
    """One milestone of a contract: what is delivered, what it must show, what it pays and when it is due."""

    __table_args__ = (UniqueConstraint("contract_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    position: int = Field(ge=1)
    title: str = Field(max_length=200)
    indicators: str = Field(default="", sa_column=Column(Text, nullable=False))
    amount: int = Field(ge=0, le=MAX_BUDGET_YUAN, sa_type=BigInteger)
    due: dt.date
    status: DeliverableStatus = Field(default=DeliverableStatus.PENDING, sa_type=enum_type(DeliverableStatus))
    report: str = Field(default="", sa_column=Column(Text, nullable=False))
    return_reason: str = Field(default="", max_length=2000)
    reported_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    overdue_noticed_on: dt.date | None = None  # the day both parties were told it is overdue (once)


class DeliverableIn(SQLModel):
    """A milestone as the enterprise plans it."""

    title: str = Field(min_length=1, max_length=200)
    indicators: str = Field(default="", max_length=2000)
    amount: int = Field(ge=0, le=MAX_BUDGET_YUAN)
    due: dt.date

    _title = field_validator("title")(non_blank)
    _iso = field_validator("due", mode="before")(iso_date)


class ContractTerms(SQLModel):
    """Proposed terms: the price, the period, and milestones in order whose payments never exceed the price."""

    price: int = Field(ge=0, le=MAX_BUDGET_YUAN)
    start_date: dt.date
    end_date: dt.date
    milestones: list[DeliverableIn] = Field(min_length=1, max_length=MAX_DELIVERABLES)

    _iso = field_validator("start_date", "end_date", mode="before")(iso_date)

    _after_start = field_validator("end_date")(not_before_start)

    @field_validator("milestones")
    @classmethod
    def _within(cls, value: list[DeliverableIn], info: ValidationInfo) -> list[DeliverableIn]:
        price, start, end = info.data.get("price"), info.data.get("start_date"), info.data.get("end_date")
        if price is not None and sum(m.amount for m in value) > price:
            raise ValueError("the milestones' payments must not exceed the contract price")
        if start is not None and end is not None and any(not start <= m.due <= end for m in value):
            raise ValueError("every milestone is due within the contract's period")
        if any(b.due < a.due for a, b in zip(value, value[1:], strict=False)):
            raise ValueError("milestones are listed in the order they are due")
        return value


class Confirmation(SQLModel):
    """The solver confirms the revision of the terms they read."""

    revision: int = Field(ge=1)


class Note(SQLModel):
    """A text the action needs: a request for changes, a report, a reason."""

    text: str = Field(min_length=1, max_length=5000)

    _text = field_validator("text")(non_blank)


class DeliverableRead(SQLModel):
    """A contract milestone as the API shows it."""

    id: int
    position: int
    title: str
    indicators: str
    amount: int
    due: dt.date
    status: DeliverableStatus
    report: str
    return_reason: str
    reported_at: dt.datetime | None
    accepted_at: dt.datetime | None
    overdue: bool = False


class ContractRead(SQLModel):
    """A contract as its parties and government read it."""

    id: int
    challenge_id: int
    challenge_title: str
    bid_id: int
    solver_id: int
    solver_name: str
    price: int
    start_date: dt.date
    end_date: dt.date
    status: ContractStatus
    revision: int
    change_note: str
    end_reason: str
    confirmed_at: dt.datetime | None
    ended_at: dt.datetime | None
    accepted_amount: int
    milestones: list[DeliverableRead]


class ContractList(SQLModel):
    """Contracts the caller is party to (every contract for government)."""

    items: list[ContractRead]


class Rating(SQLModel, table=True):
    """One party's rating of the other after a completed contract: 1–5 with a comment, once per party."""

    __table_args__ = (UniqueConstraint("contract_id", "rater_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    rater_id: int = Field(foreign_key="user.id")
    ratee_user_id: int | None = Field(default=None, foreign_key="user.id", index=True)  # the solver rated
    ratee_organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)  # enterprise
    stars: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)
    created_at: dt.datetime = Field(default_factory=utcnow)


class RatingIn(SQLModel):
    """A rating of the counterpart."""

    stars: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)


class TrackRecord(SQLModel):
    """A party's record on the platform's contracts: outcomes and the ratings its counterparts gave."""

    completed: int = 0
    on_time: int = 0  # completed no later than the agreed end date
    first_time: int = 0  # completed with no milestone ever returned
    terminated: int = 0
    under_way: int = 0
    ratings: int = 0
    mean_stars: float | None = None
    termination_reasons: list[str] = []


class RatingRead(SQLModel):
    """A rating as the parties and government read it."""

    id: int
    contract_id: int
    rater_id: int
    stars: int
    comment: str
    created_at: dt.datetime


class ChangeStatus(StrEnum):
    """A change to confirmed terms: proposed by one party, accepted or declined by the other."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"


_OPEN_CHANGE_SQL = text("status = 'proposed'")


class ContractChange(SQLModel, table=True):
    """A change request after confirmation (a delay, a change of scope): new end date and due dates of the
    milestones not yet accepted, with the reason; it takes effect when the other party accepts it."""

    __table_args__ = (Index("uq_change_open_per_contract", "contract_id", unique=True,
                            sqlite_where=_OPEN_CHANGE_SQL, postgresql_where=_OPEN_CHANGE_SQL),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    requested_by: int = Field(foreign_key="user.id")
    reason: str = Field(sa_column=Column(Text, nullable=False))
    end_date: dt.date
    dues: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # milestone id → day
    status: ChangeStatus = Field(default=ChangeStatus.PROPOSED, sa_type=enum_type(ChangeStatus))
    answer: str = Field(default="", max_length=2000)
    decided_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    decided_at: dt.datetime | None = None


class ChangeIn(SQLModel):
    """A proposed change: why, the new end date, and new due dates for milestones not yet accepted."""

    reason: str = Field(min_length=1, max_length=5000)
    end_date: dt.date
    dues: dict[int, dt.date] = Field(default_factory=dict, max_length=MAX_DELIVERABLES)

    _reason = field_validator("reason")(non_blank)
    _iso = field_validator("end_date", mode="before")(iso_date)


class ChangeRead(SQLModel):
    """A change request as the parties read it."""

    id: int
    contract_id: int
    requested_by: int
    reason: str
    end_date: dt.date
    dues: dict[str, str]
    status: ChangeStatus
    answer: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
