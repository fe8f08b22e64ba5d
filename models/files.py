"""Attachments: a file that belongs to one record (challenge, bid, question, achievement, profile document,
subsidy milestone) and inherits that record's visibility."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, SQLModel

from models.common import enum_type, utcnow

MAX_FILE_BYTES = 20 * 1024 * 1024  # README: 20 MiB per file
MAX_RECORD_FILES = 10  # and 10 files, 50 MiB in all, per record
MAX_RECORD_BYTES = 50 * 1024 * 1024


class AttachmentKind(StrEnum):
    """Which kind of record a file belongs to."""

    CHALLENGE = "challenge"
    BID = "bid"
    QUESTION = "question"
    ACHIEVEMENT = "achievement"
    DOCUMENT = "document"
    MILESTONE = "milestone"


class Attachment(SQLModel, table=True):
    """One stored file; the bytes live in the file store under `key`."""

    __table_args__ = (Index("ix_attachment_record", "kind", "record_id"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: AttachmentKind = Field(sa_type=enum_type(AttachmentKind))
    record_id: int
    confidential: bool = False  # a challenge's confidential file, a private answer's file
    name: str = Field(max_length=200)
    content_type: str = Field(max_length=120)
    size: int = Field(sa_type=BigInteger)
    sha256: str = Field(max_length=64)
    key: str = Field(max_length=64, unique=True)
    uploaded_by: int = Field(foreign_key="user.id")
    created_at: dt.datetime = Field(default_factory=utcnow)


class AttachmentRead(SQLModel):
    """A file as the API lists it; `url` downloads it."""

    id: int
    kind: AttachmentKind
    record_id: int
    confidential: bool
    name: str
    content_type: str
    size: int
    sha256: str
    created_at: dt.datetime
    url: str


class AttachmentList(SQLModel):
    """The files of one record the caller may read."""

    items: list[AttachmentRead]
