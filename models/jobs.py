"""Durable background jobs: the mail outbox and any slow work, claimed by `flask worker` processes.

A job is written in the same transaction as the action that wants it, so a rolled-back action leaves
none and a committed one is never lost. A worker claims a job by a conditional update (PostgreSQL:
`FOR UPDATE SKIP LOCKED`) that sets a lease; a worker that dies leaves the lease to expire and another
takes the job again. Completion is recorded in the same transaction as the job's database effects.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from models.common import enum_type, utcnow

URGENT, BACKGROUND = 0, 10  # priorities: a worker takes every ready urgent job before any background one


class JobStatus(StrEnum):
    """Where a job is: waiting (also between retries), done, or failed for good."""

    QUEUED = "queued"
    DONE = "done"
    FAILED = "failed"


class Job(SQLModel, table=True):
    """One unit of background work: a kind, its JSON payload, and its attempts."""

    __table_args__ = (Index("ix_job_ready", "status", "run_after"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: JobStatus = Field(default=JobStatus.QUEUED, sa_type=enum_type(JobStatus))
    attempts: int = 0
    max_attempts: int = 8
    priority: int = 0  # lower runs first: mail and user-facing work 0, bulk background work (embeddings) higher
    run_after: dt.datetime = Field(default_factory=utcnow)
    locked_by: str | None = Field(default=None, max_length=80)
    locked_until: dt.datetime | None = None
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: dt.datetime = Field(default_factory=utcnow)
    finished_at: dt.datetime | None = None
