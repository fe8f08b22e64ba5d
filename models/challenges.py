"""Challenges (榜单), their lifecycle, bids (揭榜申请) and confidentiality acceptances."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import ValidationInfo, field_validator
from sqlalchemy import JSON, BigInteger, Column, Index, Text, text
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.common import ReasonRead, Region, TechField, enum_type, utcnow
from models.teams import MemberRead
from models.validation import clean_keywords, future_deadline, iso_date, non_blank

MAX_BUDGET_YUAN = 10_000_000_000


class ChallengeStatus(StrEnum):
    """Where a challenge is in its lifecycle."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    AWARDED = "awarded"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


CHALLENGE_TRANSITIONS: dict[ChallengeStatus, frozenset[ChallengeStatus]] = {
    ChallengeStatus.DRAFT: frozenset({ChallengeStatus.SUBMITTED, ChallengeStatus.WITHDRAWN}),
    ChallengeStatus.SUBMITTED: frozenset(
        {ChallengeStatus.PUBLISHED, ChallengeStatus.REJECTED, ChallengeStatus.WITHDRAWN}
    ),
    ChallengeStatus.REJECTED: frozenset(
        {ChallengeStatus.DRAFT, ChallengeStatus.SUBMITTED, ChallengeStatus.WITHDRAWN}
    ),
    ChallengeStatus.PUBLISHED: frozenset(
        {ChallengeStatus.AWARDED, ChallengeStatus.WITHDRAWN, ChallengeStatus.EXPIRED}
    ),
    # completed when every contract is completed or terminated (possibly all terminated before any started)
    ChallengeStatus.AWARDED: frozenset({ChallengeStatus.IN_PROGRESS, ChallengeStatus.COMPLETED}),
    ChallengeStatus.IN_PROGRESS: frozenset({ChallengeStatus.COMPLETED}),
}

EDITABLE_STATUSES = frozenset({ChallengeStatus.DRAFT, ChallengeStatus.REJECTED})
MAX_INDICATORS = 10


class IpArrangement(StrEnum):
    """Who will own the result's intellectual property (知识产权归属)."""

    NEGOTIABLE = "negotiable"
    ASSIGNMENT = "assignment"  # 转让: the enterprise owns it
    LICENCE = "licence"  # 许可: the solver keeps it and licenses the enterprise
    JOINT = "joint"  # 共有


class Indicator(SQLModel):
    """A technical indicator (技术指标) a result must show: 热导率 ≥ 400 W/m·K, measured by the laser flash method."""

    name: str = Field(min_length=1, max_length=100)
    target: str = Field(min_length=1, max_length=100)
    unit: str = Field(default="", max_length=40)
    method: str = Field(default="", max_length=500)
    confidential: bool = False  # shown only to those who may read the confidential details

    _text = field_validator("name", "target")(non_blank)

    @field_validator("unit", "method")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


def parse_indicators(value: object) -> object:
    """Indicators as a list, or as text (an import cell): `name|target|unit|method` items separated by ';'."""
    if not isinstance(value, str):
        return value
    items = []
    for part in value.replace("；", ";").split(";"):
        if part.strip():
            cells = [c.strip() for c in part.split("|")] + ["", "", ""]
            items.append({"name": cells[0], "target": cells[1], "unit": cells[2], "method": cells[3]})
    return items


def unique_indicators(value: list[Indicator] | None) -> list[Indicator] | None:
    """Each indicator named once."""
    if value is not None and len({i.name for i in value}) != len(value):
        raise ValueError("each indicator is named once")
    return value


class ChallengeBase(SQLModel):
    """What an enterprise writes when it posts a challenge."""

    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(max_length=1000, sa_column=Column(Text, nullable=False))
    description: str = Field(max_length=20000, sa_column=Column(Text, nullable=False))
    field: TechField = Field(sa_type=enum_type(TechField))
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    budget: int = Field(ge=0, le=MAX_BUDGET_YUAN, sa_type=BigInteger)
    deadline: dt.date
    anonymous: bool = False  # the enterprise is not named publicly before the award
    max_awards: int = Field(default=1, ge=1, le=10)  # 赛马制: up to this many bids may be accepted in parallel
    region: Region = Field(sa_type=enum_type(Region))
    confidential_details: str = Field(
        default="", max_length=20000, sa_column=Column(Text, nullable=False)
    )
    acceptance_criteria: str = Field(default="", max_length=5000, sa_column=Column(Text, nullable=False))
    trl: int = Field(default=0, ge=0, le=9)  # technology readiness level sought (1–9); 0: not stated
    ip_arrangement: IpArrangement = Field(default=IpArrangement.NEGOTIABLE, sa_type=enum_type(IpArrangement))


class Challenge(ChallengeBase, table=True):
    """A stored challenge with its workflow state."""

    # The list's sorts walk these instead of reading every published row (their text makes rows long).
    __table_args__ = (Index("ix_challenge_status_published_at", "status", "published_at"),
                      Index("ix_challenge_status_deadline", "status", "deadline"),
                      Index("ix_challenge_status_budget", "status", "budget"),
                      # every column the dashboard counts by or filters on: its queries read this, not rows
                      Index("ix_challenge_figures", "published_at", "awarded_at", "organisation_id", "field",
                            "region", "status", "created_at"))

    id: int | None = Field(default=None, primary_key=True)
    indicators: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    owner_id: int = Field(foreign_key="user.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    status: ChallengeStatus = Field(
        default=ChallengeStatus.DRAFT, index=True, sa_type=enum_type(ChallengeStatus)
    )
    reject_reason: str = Field(default="", max_length=2000)
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow, index=True)  # the version stamp reads its max
    submitted_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    awarded_at: dt.datetime | None = None


class ChallengeInput(ChallengeBase):
    """Shared validation of challenge input."""

    indicators: list[Indicator] = Field(default_factory=list, max_length=MAX_INDICATORS)
    _indicators = field_validator("indicators", mode="before")(parse_indicators)
    _unique = field_validator("indicators")(unique_indicators)

    _title = field_validator("title", "summary", "description")(non_blank)
    _kw = field_validator("keywords", mode="before")(clean_keywords)

    _iso = field_validator("deadline", mode="before")(iso_date)

    _future = field_validator("deadline")(future_deadline)


class ChallengeCreate(ChallengeInput):
    """A new challenge (saved as a draft)."""


class ChallengeUpdate(SQLModel):
    """A partial edit of a draft challenge; omitted fields stay as they are."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    summary: str | None = Field(default=None, max_length=1000)
    description: str | None = Field(default=None, max_length=20000)
    field: TechField | None = None
    keywords: list[str] | None = None
    budget: int | None = Field(default=None, ge=0, le=MAX_BUDGET_YUAN)
    deadline: dt.date | None = None
    region: Region | None = None
    confidential_details: str | None = Field(default=None, max_length=20000)
    anonymous: bool | None = None
    max_awards: int | None = Field(default=None, ge=1, le=10)
    indicators: list[Indicator] | None = Field(default=None, max_length=MAX_INDICATORS)
    acceptance_criteria: str | None = Field(default=None, max_length=5000)
    trl: int | None = Field(default=None, ge=0, le=9)
    ip_arrangement: IpArrangement | None = None

    _indicators = field_validator("indicators", mode="before")(parse_indicators)
    _unique = field_validator("indicators")(unique_indicators)
    _title = field_validator("title", "summary", "description")(non_blank)
    _kw = field_validator("keywords", mode="before")(clean_keywords)
    _iso = field_validator("deadline", mode="before")(iso_date)
    _future = field_validator("deadline")(future_deadline)


class ChallengeRead(SQLModel):
    """A challenge as the API shows it; confidential_details is null unless visible."""

    id: int
    title: str
    summary: str
    description: str
    field: TechField = Field(sa_type=enum_type(TechField))
    keywords: list[str]
    budget: int
    deadline: dt.date
    region: Region
    status: ChallengeStatus
    reject_reason: str
    owner_id: int
    organisation_id: int
    published_at: dt.datetime | None
    max_awards: int
    indicators: list[Indicator] = []  # the confidential ones only for those who may read confidential details
    acceptance_criteria: str = ""
    trl: int = 0
    ip_arrangement: IpArrangement = IpArrangement.NEGOTIABLE
    confidential_details: str | None = None


class ChallengeList(SQLModel):
    """One page of challenges."""

    items: list[ChallengeRead]
    total: int
    page: int
    per_page: int


class ChallengeSearch(SQLModel):
    """Search, filters, sort and page of the published-challenge list."""

    q: str = Field(default="", max_length=200)
    field: TechField | None = None
    region: Region | None = None
    budget_min: int | None = Field(default=None, ge=0, le=MAX_BUDGET_YUAN)
    budget_max: int | None = Field(default=None, ge=0, le=MAX_BUDGET_YUAN)
    deadline_after: dt.date | None = None
    deadline_before: dt.date | None = None

    _iso = field_validator("deadline_after", "deadline_before", mode="before")(iso_date)

    @field_validator("budget_max")
    @classmethod
    def _range(cls, value: int | None, info: ValidationInfo) -> int | None:
        low = info.data.get("budget_min")
        if value is not None and low is not None and value < low:
            raise ValueError("the maximum must not be below the minimum")
        return value

    sort: Literal["relevance", "newest", "deadline", "budget_desc", "budget_asc"] = "relevance"  # no q: newest
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=20, ge=1, le=100)


class ConfidentialityAcceptance(SQLModel, table=True):
    """A solver's recorded acceptance of a challenge's confidentiality terms."""

    __table_args__ = (UniqueConstraint("challenge_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    accepted_at: dt.datetime = Field(default_factory=utcnow)


class BidStatus(StrEnum):
    """Where a bid is in its lifecycle."""

    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


OPEN_BID_STATUSES = frozenset({BidStatus.SUBMITTED, BidStatus.SHORTLISTED})

BID_TRANSITIONS: dict[BidStatus, frozenset[BidStatus]] = {
    BidStatus.SUBMITTED: frozenset(
        {BidStatus.SHORTLISTED, BidStatus.ACCEPTED, BidStatus.DECLINED, BidStatus.WITHDRAWN}
    ),
    BidStatus.SHORTLISTED: frozenset(
        {BidStatus.ACCEPTED, BidStatus.DECLINED, BidStatus.WITHDRAWN}
    ),
}

_OPEN_BID_SQL = text("status IN ('submitted', 'shortlisted')")


class BidBase(SQLModel):
    """What a solver proposes."""

    approach: str = Field(min_length=1, max_length=10000, sa_column=Column(Text, nullable=False))
    price: int = Field(ge=0, le=MAX_BUDGET_YUAN, sa_type=BigInteger)
    timeline: str = Field(min_length=1, max_length=2000)
    duration_days: int = Field(ge=1, le=3650)
    team: str = Field(default="", max_length=2000)


class Bid(BidBase, table=True):
    """A stored bid; at most one open bid per solver and challenge."""

    __table_args__ = (
        Index(
            "uq_bid_open_per_solver", "challenge_id", "solver_id", unique=True,
            sqlite_where=_OPEN_BID_SQL, postgresql_where=_OPEN_BID_SQL,
        ),
        Index("ix_bid_challenge_created", "challenge_id", "created_at"),  # the dashboard's first bids
    )

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    solver_id: int = Field(foreign_key="user.id", index=True)
    status: BidStatus = Field(
        default=BidStatus.SUBMITTED, index=True, sa_type=enum_type(BidStatus)
    )
    decline_reason: str = Field(default="", max_length=2000)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class BidInput(BidBase):
    """Validated bid input."""

    _text = field_validator("approach", "timeline")(non_blank)


class BidCreate(BidInput):
    """A new bid; `members` names the other solvers of a team bid (profile ids), each of whom confirms."""

    members: list[int] = Field(default_factory=list, max_length=9)


class BidUpdate(SQLModel):
    """A partial edit of an open bid."""

    approach: str | None = Field(default=None, min_length=1, max_length=10000)
    price: int | None = Field(default=None, ge=0, le=MAX_BUDGET_YUAN)
    timeline: str | None = Field(default=None, min_length=1, max_length=2000)
    duration_days: int | None = Field(default=None, ge=1, le=3650)
    team: str | None = Field(default=None, max_length=2000)
    members: list[int] | None = Field(default=None, max_length=9)

    _text = field_validator("approach", "timeline")(non_blank)


class BidderRead(SQLModel):
    """Who placed a bid, as the challenge's enterprise, managers and government read it: the engine's score of
    the solver's profile against the challenge (0–1) with its reasons; null score when not ranked."""

    name: str
    organisation: str
    profile_id: int | None
    score: float | None
    reasons: list[ReasonRead]
    team_score: float | None = None  # the best score of the lead and the confirmed members
    members: list[MemberRead] = []


class BidRead(BidBase):
    """A bid as the API shows it (`bidder` in the list of a challenge's bids, for those who see them all)."""

    id: int
    challenge_id: int
    solver_id: int
    status: BidStatus
    decline_reason: str
    created_at: dt.datetime
    bidder: BidderRead | None = None


class Reason(SQLModel):
    """A reason given with a rejection or a decline."""

    reason: str = Field(min_length=1, max_length=2000)

    _reason = field_validator("reason")(non_blank)
