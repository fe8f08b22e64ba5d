"""Recommendations shown to curators and their decisions, kept as history."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import ReasonRead, enum_type, utcnow
from models.validation import MAX_RECORD_ID


class Recommendation(SQLModel, table=True):
    """A ranked candidate for a challenge, stored so a decision can be explained later."""

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    rank: int = Field(ge=1)
    score: float = Field(ge=0, le=1)
    reasons: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    engine_version: str = Field(max_length=50)
    created_at: dt.datetime = Field(default_factory=utcnow)


class Decision(StrEnum):
    """What a curator decided about a candidate."""

    RECOMMEND = "recommend"
    SHORTLIST = "shortlist"
    REJECT = "reject"


class RejectReason(StrEnum):
    """Why a curator rejected a candidate."""

    OFF_TOPIC = "off_topic"
    NO_CAPACITY = "no_capacity"
    CONFLICT = "conflict"
    TOO_JUNIOR = "too_junior"
    OTHER = "other"


class CuratorDecision(SQLModel, table=True):
    """One curator decision; never overwritten, a later one supersedes it."""

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    recommendation_id: int | None = Field(default=None, foreign_key="recommendation.id")
    curator_id: int = Field(foreign_key="user.id", index=True)
    decision: Decision = Field(sa_type=enum_type(Decision))
    reject_reason: RejectReason | None = Field(default=None, index=True, sa_type=enum_type(RejectReason))
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)


class DecisionCreate(SQLModel):
    """A curator's decision on one candidate."""

    profile_id: int = Field(ge=1, le=MAX_RECORD_ID)
    decision: Decision
    reject_reason: RejectReason | None = None
    note: str = Field(default="", max_length=2000)


class DecisionRead(SQLModel):
    """A stored decision as the API shows it."""

    id: int
    challenge_id: int
    profile_id: int
    curator_id: int
    decision: Decision
    reject_reason: RejectReason | None
    note: str
    created_at: dt.datetime


class RankedCandidate(SQLModel):
    """One ranked candidate for a challenge, with what explains the rank (accepted candidates come first;
    rank and recommendation_id are null for one the engine did not place in its top k)."""

    rank: int | None
    profile_id: int
    name: str
    kind: str
    score: float
    band: str = Field(description="match strength: strong, fair or weak (calibrated; see matching/README.md)")
    reasons: list[ReasonRead]
    region: str
    organisation: str
    recommendation_id: int | None
    decision: Decision | None = None
    load: int = 0
    capacity: int = 0


class RankedCandidateList(SQLModel):
    """A ranking of one kind of candidate."""

    engine_version: str
    items: list[RankedCandidate]


class ConflictDeclaration(SQLModel, table=True):
    """A declared conflict of interest between a person's profile and an organisation (either side declares)."""

    __table_args__ = (UniqueConstraint("profile_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    declared_by: int = Field(foreign_key="user.id")
    note: str = Field(default="", max_length=500)
    created_at: dt.datetime = Field(default_factory=utcnow)


class ConflictCreate(SQLModel):
    """A declaration: enterprises name a profile, people name an organisation."""

    profile_id: int | None = Field(default=None, ge=1, le=MAX_RECORD_ID)
    organisation_id: int | None = Field(default=None, ge=1, le=MAX_RECORD_ID)
    note: str = Field(default="", max_length=500)


class ConflictRead(SQLModel):
    """A declared conflict of interest."""

    id: int
    profile_id: int
    organisation_id: int
    declared_by: int
    note: str
    created_at: dt.datetime


class InvitationStatus(StrEnum):
    """Whether an invited solver still may bid, or declined."""

    INVITED = "invited"
    DECLINED = "declined"


class Invitation(SQLModel, table=True):
    """An enterprise invites a recommended solver to bid; the solver may decline (then is not proposed again)."""

    __table_args__ = (UniqueConstraint("challenge_id", "profile_id"),)

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    invited_by: int = Field(foreign_key="user.id")
    status: InvitationStatus = Field(default=InvitationStatus.INVITED, sa_type=enum_type(InvitationStatus))
    reason: str = Field(default="", max_length=500)
    created_at: dt.datetime = Field(default_factory=utcnow)
    responded_at: dt.datetime | None = None


class InvitationDecline(SQLModel):
    """A solver declines an invitation, optionally saying why."""

    reason: str = Field(default="", max_length=500)
