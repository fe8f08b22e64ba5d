"""Stored embeddings (语义向量): one vector per matched text — a profile's own text, each of its documents, each
challenge — computed by a background job when the text is saved (webapp/services/embeddings.py) and read by
the engine beside its lexical index (matching/dense.py). `digest` says which text and model a vector was
computed from: a vector whose digest no longer matches its text is stale and not used."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import enum_type, utcnow


class Subject(StrEnum):
    """Which kind of text a vector embeds."""

    PROFILE = "profile"  # the profile's expertise and keywords
    DOCUMENT = "document"  # a profile document's title and text
    CHALLENGE = "challenge"  # a challenge (embedded as a query)
    ACHIEVEMENT = "achievement"  # an achievement's title, keywords and abstract


class Embedding(SQLModel, table=True):
    """One text's vector (float32 bytes, unit length)."""

    __table_args__ = (UniqueConstraint("subject", "subject_id"),)

    id: int | None = Field(default=None, primary_key=True)
    subject: Subject = Field(sa_type=enum_type(Subject))
    subject_id: int = Field(index=True)
    digest: str = Field(max_length=40)
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    computed_at: dt.datetime = Field(default_factory=utcnow)
