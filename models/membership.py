"""Joining an organisation: invitations sent by its administrators (a signed, expiring, single-use link)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.common import utcnow


class MemberInvitation(SQLModel, table=True):
    """An organisation administrator invites one e-mail address to join the organisation."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    email: str = Field(max_length=254, index=True)
    invited_by: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    accepted_at: datetime | None = None
    accepted_by: int | None = Field(default=None, foreign_key="user.id")


class InvitationCreate(SQLModel):
    """Whom to invite."""

    email: str = Field(min_length=3, max_length=254)
