"""Clarification of a published challenge: questions (答疑) with their answers, and addenda (补充公告)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from models.common import enum_type, utcnow
from models.validation import future_deadline, iso_date, non_blank


class QuestionStatus(StrEnum):
    """Where a question is: waiting for the enterprise, answered, or hidden by government."""

    OPEN = "open"
    ANSWERED = "answered"
    HIDDEN = "hidden"


class Question(SQLModel, table=True):
    """A solver's question on a challenge and the enterprise's answer (public, or private to those entitled
    to the confidential details)."""

    __table_args__ = (Index("ix_question_challenge_created", "challenge_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id")
    asker_id: int = Field(foreign_key="user.id", index=True)
    text: str = Field(max_length=2000, sa_column=Column(Text, nullable=False))
    anonymous: bool = False  # the asker's name is hidden from other solvers
    status: QuestionStatus = Field(default=QuestionStatus.OPEN, sa_type=enum_type(QuestionStatus))
    answer: str = Field(default="", sa_column=Column(Text, nullable=False))
    answer_private: bool = False
    answered_by: int | None = Field(default=None, foreign_key="user.id")
    answered_at: dt.datetime | None = None
    hidden_reason: str = Field(default="", max_length=500)
    hidden_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime = Field(default_factory=utcnow)


class QuestionCreate(SQLModel):
    """A question as a solver asks it."""

    text: str = Field(min_length=1, max_length=2000)
    anonymous: bool = False

    _text = field_validator("text")(non_blank)


class AnswerCreate(SQLModel):
    """The enterprise's answer; `private` when it touches the confidential details."""

    answer: str = Field(min_length=1, max_length=5000)
    private: bool = False

    _text = field_validator("answer")(non_blank)


class HideQuestion(SQLModel):
    """Government hides an abusive question, saying why."""

    reason: str = Field(min_length=1, max_length=500)

    _text = field_validator("reason")(non_blank)


class QuestionRead(SQLModel):
    """A question as the reader may see it: the asker is null when anonymous to this reader, the answer null
    when private and the reader may not read the confidential details."""

    id: int
    challenge_id: int
    text: str
    asker: str | None
    mine: bool
    status: QuestionStatus
    answer: str | None
    answer_private: bool
    answered_at: dt.datetime | None
    hidden_reason: str | None
    created_at: dt.datetime


class Addendum(SQLModel, table=True):
    """A public notice the enterprise adds to its published challenge; it may move the deadline."""

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    author_id: int = Field(foreign_key="user.id")
    text: str = Field(max_length=5000, sa_column=Column(Text, nullable=False))
    old_deadline: dt.date | None = None
    new_deadline: dt.date | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)


class AddendumCreate(SQLModel):
    """A new addendum; `deadline` when it changes the deadline (a later or earlier day, after today)."""

    text: str = Field(min_length=1, max_length=5000)
    deadline: dt.date | None = None

    _text = field_validator("text")(non_blank)
    _iso = field_validator("deadline", mode="before")(iso_date)

    _future = field_validator("deadline")(future_deadline)


class AddendumRead(SQLModel):
    """An addendum as everyone sees it."""

    id: int
    challenge_id: int
    text: str
    old_deadline: dt.date | None
    new_deadline: dt.date | None
    created_at: dt.datetime


class Clarifications(SQLModel):
    """A challenge's addenda and the questions the reader may see, oldest first."""

    addenda: list[AddendumRead]
    questions: list[QuestionRead]
