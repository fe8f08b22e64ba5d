"""Row schemas of bulk import files (CSV or XLSX): one class per kind of record, one row per record.

Column names are the field names. Lists (keywords) are written as one cell separated by commas, 、 or ;.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import EmailStr, field_validator
from sqlmodel import Field, SQLModel

from models.accounts import OrganisationBase, OrgKind
from models.challenges import ChallengeInput
from models.common import Region
from models.profiles import AchievementBase
from models.validation import clean_keywords, non_blank


class PersonRole(StrEnum):
    """Roles an imported person can have (each gets a candidate profile)."""

    SOLVER = "solver"
    MANAGER = "manager"
    COMMISSIONER = "commissioner"


class ImportedStatus(StrEnum):
    """The state an imported challenge starts in."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"


class OrganisationRow(OrganisationBase):
    """organisations: name, kind, region, industry."""

    _name = field_validator("name")(non_blank)


class ProfileRow(SQLModel):
    """profiles: a person with a candidate profile, in an organisation (created when new)."""

    email: EmailStr
    name: str = Field(min_length=1, max_length=100)
    role: PersonRole
    organisation: str = Field(min_length=2, max_length=200)
    organisation_kind: OrgKind = OrgKind.UNIVERSITY
    region: Region
    expertise: str = Field(default="", max_length=5000)
    keywords: list[str] = Field(default_factory=list)
    capacity: int = Field(default=3, ge=0, le=100)

    _name = field_validator("name", "organisation")(non_blank)
    _kw = field_validator("keywords", mode="before")(clean_keywords)


class ChallengeRow(ChallengeInput):
    """challenges: a challenge posted by an existing enterprise user (owner_email)."""

    owner_email: EmailStr
    status: ImportedStatus = ImportedStatus.DRAFT


class AchievementRow(AchievementBase):
    """achievements: a result owned by an existing person's profile (owner_email)."""

    owner_email: EmailStr


ROW_SCHEMAS: dict[str, type[SQLModel]] = {
    "organisations": OrganisationRow,
    "profiles": ProfileRow,
    "challenges": ChallengeRow,
    "achievements": AchievementRow,
}
