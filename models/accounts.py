"""Organisations, users, their roles and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import EmailStr
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.common import Region, enum_type, utcnow


class OrgKind(StrEnum):
    """What kind of body an organisation is."""

    ENTERPRISE = "enterprise"
    UNIVERSITY = "university"
    INSTITUTE = "institute"
    TRANSFER_INSTITUTION = "transfer_institution"
    GOVERNMENT = "government"


class Role(StrEnum):
    """What a user may act as."""

    ENTERPRISE = "enterprise"
    SOLVER = "solver"
    MANAGER = "manager"
    COMMISSIONER = "commissioner"
    GOVERNMENT = "government"
    ADMIN = "admin"


SELF_SERVICE_ROLES = (Role.ENTERPRISE, Role.SOLVER, Role.MANAGER, Role.COMMISSIONER)


class OrganisationBase(SQLModel):
    """Fields an organisation is described by."""

    name: str = Field(min_length=2, max_length=200, index=True)
    kind: OrgKind = Field(sa_type=enum_type(OrgKind))
    region: Region = Field(sa_type=enum_type(Region))
    industry: str = Field(default="", max_length=100)


class Organisation(OrganisationBase, table=True):
    """An enterprise, university, institute, transfer institution or government office."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class OrganisationRead(OrganisationBase):
    """An organisation as the API shows it."""

    id: int


class User(SQLModel, table=True):
    """A person who signs in; belongs to one organisation."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=100)
    password_hash: str = Field(max_length=255)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    active: bool = True
    locale: str = Field(default="zh", max_length=8)
    created_at: datetime = Field(default_factory=utcnow)


class UserRole(SQLModel, table=True):
    """One role held by a user."""

    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: Role = Field(sa_type=enum_type(Role))


class ApiToken(SQLModel, table=True):
    """A personal API token; only its SHA-256 digest is stored."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=100)
    digest: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    revoked: bool = False


class UserRead(SQLModel):
    """A user as the API shows it (no secrets)."""

    id: int
    email: str
    name: str
    organisation_id: int
    roles: list[Role]


class Registration(SQLModel):
    """What a person fills in to open a self-service account."""

    email: EmailStr
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=200)
    role: Role = Field(sa_type=enum_type(Role))
    organisation_name: str = Field(min_length=2, max_length=200)
    organisation_kind: OrgKind
    region: Region = Field(sa_type=enum_type(Region))
