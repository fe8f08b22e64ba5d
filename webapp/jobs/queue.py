"""The job queue on the database (as procrastinate and RQ do it): claim with a lease, run, record.

* `enqueue` adds a row in the caller's transaction: a rolled-back action leaves no job.
* A worker claims the oldest ready job by a conditional update that takes a lease (PostgreSQL reads
  candidates with `FOR UPDATE SKIP LOCKED`, so many workers on many hosts never wait on each other).
* The handler runs outside any transaction; its database effects and the job's completion are then
  written together, conditional on the lease still being this worker's.
* A failure is retried with exponential backoff up to `max_attempts`, then marked failed for good;
  a worker that dies leaves its lease to expire and another worker takes the job again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from models.common import utcnow
from models.db import writing
from models.jobs import URGENT, Job, JobStatus

log = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=5)
MAX_BACKOFF = dt.timedelta(minutes=30)
Handler = Callable[[Session, dict[str, Any], Job], None]
HANDLERS: dict[str, Handler] = {}


class PermanentFailure(Exception):
    """A job that can never succeed (bad payload, no such record): failed at once, not retried."""


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of `kind`."""
    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function
    return register


def enqueue(session: Session, kind: str, payload: dict[str, Any], max_attempts: int = 8,
            priority: int = URGENT) -> Job:
    """Add a job, committed (or rolled back) with the caller's transaction."""
    job = Job(kind=kind, payload=payload, max_attempts=max_attempts, priority=priority)
    session.add(job)
    return job


def worker_name() -> str:
    """This process's name in the lease column (host and pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


def claim(session_factory: Callable[[], Session], me: str) -> Job | None:
    """Take the oldest ready job of the most urgent priority under a lease, or None when nothing is ready."""
    with writing(), session_factory() as session:
        now = utcnow()
        ready = (select(Job.id).where(Job.status == JobStatus.QUEUED, col(Job.run_after) <= now,
                                      or_(col(Job.locked_until).is_(None), col(Job.locked_until) < now))
                 .order_by(col(Job.priority), col(Job.id)).limit(1).with_for_update(skip_locked=True))
        job_id = session.exec(ready).first()
        if job_id is None:
            return None
        taken = session.exec(update(Job).where(col(Job.id) == job_id, col(Job.status) == JobStatus.QUEUED.value)
                             .values(locked_by=me, locked_until=now + LEASE, attempts=Job.attempts + 1))
        session.commit()
        return session.get(Job, job_id) if taken.rowcount == 1 else None


def run_one(session_factory: Callable[[], Session], me: str) -> bool:
    """Claim and run one job; whether there was one."""
    job = claim(session_factory, me)
    if job is None:
        return False
    function = HANDLERS.get(job.kind)
    with writing(), session_factory() as session:
        try:
            if function is None:
                raise PermanentFailure(f"no handler for job kind {job.kind!r}")
            function(session, job.payload, job)
        except Exception as exc:  # noqa: BLE001  (any failure is recorded on the job, never lost)
            session.rollback()
            _failed(session, job, me, exc)
        else:
            _finish(session, job, me, JobStatus.DONE, "")
        session.commit()
    return True


def _failed(session: Session, job: Job, me: str, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if isinstance(exc, PermanentFailure) or job.attempts >= job.max_attempts:
        log.error("job %s (%s) failed for good after %d attempt(s): %s", job.id, job.kind, job.attempts, error)
        _finish(session, job, me, JobStatus.FAILED, error)
        return
    delay = min(dt.timedelta(seconds=2 ** job.attempts), MAX_BACKOFF)
    log.warning("job %s (%s) attempt %d failed, retrying in %s: %s", job.id, job.kind, job.attempts, delay, error)
    session.exec(update(Job).where(col(Job.id) == job.id, col(Job.locked_by) == me)
                 .values(run_after=utcnow() + delay, locked_by=None, locked_until=None, last_error=error))


def _finish(session: Session, job: Job, me: str, status: JobStatus, error: str) -> None:
    """Record the outcome, in the transaction that holds the handler's effects, if the lease is still ours."""
    done = session.exec(update(Job).where(col(Job.id) == job.id, col(Job.locked_by) == me,
                                          col(Job.status) == JobStatus.QUEUED.value)
                        .values(status=status.value, finished_at=utcnow(), locked_until=None, last_error=error))
    if done.rowcount != 1:
        session.rollback()  # the lease expired and another worker took the job: its run counts, not ours
        log.warning("job %s lost its lease before finishing; its effects were not kept", job.id)


def run_pending(session_factory: Callable[[], Session], limit: int | None = None) -> int:
    """Run ready jobs until none is left (or `limit`); how many ran."""
    me, count = worker_name(), 0
    while (limit is None or count < limit) and run_one(session_factory, me):
        count += 1
    return count
