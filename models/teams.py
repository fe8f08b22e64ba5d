"""Team and consortium bids: the lead solver's bid names other solvers (possibly of other organisations), each
of whom confirms membership."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.common import ReasonRead, enum_type, utcnow

MAX_MEMBERS = 9  # README: a lead and up to 9 members


class MemberStatus(StrEnum):
    """Whether a named member has answered."""

    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class BidMember(SQLModel, table=True):
    """One named member of a team bid."""

    __table_args__ = (UniqueConstraint("bid_id", "profile_id"),)

    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(foreign_key="bid.id", index=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    status: MemberStatus = Field(default=MemberStatus.INVITED, sa_type=enum_type(MemberStatus))
    invited_at: dt.datetime = Field(default_factory=utcnow)
    answered_at: dt.datetime | None = None


class TeamChange(SQLModel):
    """The team a lead wants: the profile ids of every member (new ones are invited, missing ones removed)."""

    members: list[int] = Field(default_factory=list, max_length=MAX_MEMBERS)


class MemberRead(SQLModel):
    """A team member as the bid's readers see them."""

    id: int
    bid_id: int
    profile_id: int
    name: str
    organisation: str
    status: MemberStatus
    score: float | None = None
    reasons: list[ReasonRead] = []


class MemberList(SQLModel):
    """A bid's team, or the caller's invitations."""

    items: list[MemberRead]
