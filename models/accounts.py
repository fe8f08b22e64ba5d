"""Organisations, users, their roles and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import EmailStr, ValidationInfo, field_validator
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.common import Region, enum_type, utcnow
from models.validation import credit_code as valid_credit_code


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


class OrgStatus(StrEnum):
    """Whether government (or an admin) has verified an organisation."""

    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Membership(StrEnum):
    """A person's standing in their organisation."""

    ACTIVE = "active"
    PENDING = "pending"  # asked to join; an organisation administrator decides
    REMOVED = "removed"


class OrganisationBase(SQLModel):
    """Fields an organisation is described by."""

    name: str = Field(min_length=2, max_length=200, index=True)
    kind: OrgKind = Field(sa_type=enum_type(OrgKind))
    region: Region = Field(sa_type=enum_type(Region))
    industry: str = Field(default="", max_length=100)


class Organisation(OrganisationBase, table=True):
    """An enterprise, university, institute, transfer institution or government office."""

    id: int | None = Field(default=None, primary_key=True)
    credit_code: str | None = Field(default=None, max_length=18, unique=True)  # 统一社会信用代码
    status: OrgStatus = Field(default=OrgStatus.VERIFIED, index=True, sa_type=enum_type(OrgStatus))
    reject_reason: str = Field(default="", max_length=500)
    verified_at: datetime | None = None
    verified_by: int | None = None
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
    active: bool = Field(default=True, index=True)  # the few inactive are looked up on every ranking
    locale: str = Field(default="zh", max_length=8)
    membership: Membership = Field(default=Membership.ACTIVE, index=True, sa_type=enum_type(Membership))
    org_admin: bool = False  # an organisation administrator: invites, approves joins, removes members
    session_generation: int = 0  # raised to end every session signed before (sign-out, new password, removal)
    email_verified_at: datetime | None = None
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
    """What a person fills in to open a self-service account: a new organisation (verified later by
    government), or a request to join an existing one named by its 统一社会信用代码."""

    email: EmailStr
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=200)
    role: Role = Field(sa_type=enum_type(Role))
    organisation_mode: Literal["new", "join"] = "new"
    credit_code: str = Field(min_length=18, max_length=40)
    model_config = {"validate_default": True}  # type: ignore[assignment]

    organisation_name: str | None = Field(default=None, max_length=200)
    organisation_kind: OrgKind | None = None
    region: Region = Field(sa_type=enum_type(Region))

    _code = field_validator("credit_code")(valid_credit_code)

    @field_validator("organisation_name", "organisation_kind", mode="before")
    @classmethod
    def _needed_for_a_new_organisation(cls, value: object, info: ValidationInfo) -> object:
        if value == "":
            value = None
        if info.data.get("organisation_mode", "new") == "new" and (value is None or str(value).strip() == ""):
            raise ValueError("this field is required for a new organisation")
        return value.strip() if isinstance(value, str) else value


class InvitedRegistration(SQLModel):
    """What an invited person fills in: the organisation and e-mail come from the invitation."""

    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=200)
    role: Role = Field(sa_type=enum_type(Role))
    region: Region = Field(sa_type=enum_type(Region))
