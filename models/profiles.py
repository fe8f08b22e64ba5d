"""Candidate profiles, their documents, and achievements (科技成果)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from models.common import Region, TechField, enum_type, utcnow
from models.validation import clean_keywords, iso_date, non_blank


class ProfileKind(StrEnum):
    """Which kind of candidate a profile is."""

    SOLVER = "solver"
    MANAGER = "manager"
    COMMISSIONER = "commissioner"


class DocumentKind(StrEnum):
    """What a profile document records."""

    PAPER = "paper"
    PATENT = "patent"
    PROJECT = "project"
    SERVICE_RECORD = "service_record"


class Maturity(StrEnum):
    """How close an achievement is to market."""

    LAB = "lab"
    PROTOTYPE = "prototype"
    PILOT = "pilot"
    INDUSTRIAL = "industrial"


class ProfileBase(SQLModel):
    """What a candidate says about themself."""

    display_name: str = Field(min_length=1, max_length=100)
    expertise: str = Field(default="", max_length=5000, sa_column=Column(Text, nullable=False))
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    region: Region = Field(sa_type=enum_type(Region))
    capacity: int = Field(default=3, ge=0, le=100)
    available: bool = True
    expert: bool = False  # willing to sit on expert review panels (专家评审)

    _name = field_validator("display_name")(non_blank)
    _kw = field_validator("keywords", mode="before")(clean_keywords)


class Profile(ProfileBase, table=True):
    """A candidate for matching: a solver, a technical manager or a science commissioner."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", unique=True, index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    kind: ProfileKind = Field(sa_type=enum_type(ProfileKind))
    updated_at: dt.datetime = Field(default_factory=utcnow, index=True)  # the version stamp reads its max


class ProfileUpdate(SQLModel):
    """A partial profile edit."""

    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    expertise: str | None = Field(default=None, max_length=5000)
    keywords: list[str] | None = None
    region: Region | None = None
    capacity: int | None = Field(default=None, ge=0, le=100)
    available: bool | None = None
    expert: bool | None = None

    _name = field_validator("display_name")(non_blank)
    _kw = field_validator("keywords", mode="before")(clean_keywords)


class ProfileRead(ProfileBase):
    """A profile as the API shows it."""

    id: int
    user_id: int
    organisation_id: int
    kind: ProfileKind


class DocumentBase(SQLModel):
    """A paper, patent, project or service record backing a profile."""

    kind: DocumentKind = Field(sa_type=enum_type(DocumentKind))
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(default="", max_length=20000, sa_column=Column(Text, nullable=False))
    date: dt.date | None = None

    _title = field_validator("title")(non_blank)
    _date = field_validator("date", mode="before")(iso_date)


class Document(DocumentBase, table=True):
    """A stored profile document."""

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)


class DocumentCreate(DocumentBase):
    """A new profile document."""


class DocumentRead(DocumentBase):
    """A profile document as the API shows it."""

    id: int
    profile_id: int


class AchievementBase(SQLModel):
    """A research result ready for transfer."""

    title: str = Field(min_length=1, max_length=200)
    abstract: str = Field(max_length=10000, sa_column=Column(Text, nullable=False))
    field: TechField = Field(sa_type=enum_type(TechField))
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    patent_numbers: str = Field(default="", max_length=500)
    maturity: Maturity = Field(sa_type=enum_type(Maturity))
    terms: str = Field(default="", max_length=1000)
    region: Region = Field(sa_type=enum_type(Region))

    _title = field_validator("title")(non_blank)
    _abstract = field_validator("abstract")(non_blank)
    _kw = field_validator("keywords", mode="before")(clean_keywords)


class Achievement(AchievementBase, table=True):
    """A stored achievement, owned by a profile."""

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)  # the version stamp reads its max


class AchievementCreate(AchievementBase):
    """A new achievement."""


class AchievementRead(AchievementBase):
    """An achievement as the API shows it."""

    id: int
    profile_id: int
    created_at: dt.datetime
