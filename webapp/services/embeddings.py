"""Embeddings of the texts the engine matches (#16 §1): computed in background jobs, read beside the index.

* Saving a profile's text, a profile document or a challenge (any code path: forms, API, import, demo)
  queues an `embed` job in the same transaction (a flush listener on the session), so the slow model
  (≈ 0.2 s a paper) never runs in a request. More `flask worker` processes, on more hosts, add throughput.
* The job embeds the text, stores the vector with the digest of what it embedded, and marks the profile
  changed so every web worker's engine takes the new vector on its next request (ranking.engine).
* Engines read the stored vectors whose digest matches the current text (a stale vector is not used):
  profiles whose vectors are not all ready are ranked lexically and marked so; a challenge without its
  vector is ranked lexically.
* `flask --app wsgi embed-missing` computes what is missing or stale in this process, in batches (after a
  bulk import, or to measure throughput).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable

import numpy as np
from sqlalchemy import and_, event, insert, inspect, or_, update
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import object_session
from sqlmodel import Session, col, select

from matching import Query, embedder
from models.challenges import Challenge
from models.common import utcnow
from models.embeddings import Embedding, Subject
from models.jobs import BACKGROUND, Job, JobStatus
from models.profiles import Achievement, Document, Profile
from webapp.jobs.queue import handler

KIND = "embed"
BATCH = 16
WATCHED = {Profile: ("expertise", "keywords"), Document: ("title", "text"),
           Challenge: ("title", "summary", "description", "keywords"), Achievement: ("title", "abstract", "keywords")}
SUBJECTS = {Profile: Subject.PROFILE, Document: Subject.DOCUMENT, Challenge: Subject.CHALLENGE,
            Achievement: Subject.ACHIEVEMENT}
Row = Profile | Document | Challenge | Achievement


def text_of(row: Row) -> str:
    """What a row's embedding is computed from."""
    if isinstance(row, Profile):
        return embedder.document_text(" ".join(row.keywords), row.expertise)
    if isinstance(row, Document):
        return embedder.document_text(row.title, row.text)
    if isinstance(row, Achievement):
        return embedder.document_text(f"{row.title}\n{' '.join(row.keywords)}", row.abstract)
    return embedder.query_text(row.title, f"{row.summary}\n{row.description}", row.keywords)


def digest_of(row: Row) -> str:
    kind = "query" if isinstance(row, Challenge) else "passage"
    return embedder.digest(kind, text_of(row))


def _changed(row: object, fields: tuple[str, ...]) -> bool:
    state = inspect(row)
    return any(state.attrs[name].history.has_changes() for name in fields)


@event.listens_for(OrmSession, "after_flush")
def _queue_embeddings(session: OrmSession, _context) -> None:
    """Queue an embed job for each watched row inserted, or updated in a matched field, by this flush."""
    wanted: dict[tuple[str, int], None] = {}
    for row in [*session.new, *session.dirty]:
        fields = WATCHED.get(type(row))
        if fields and row.id is not None and (row in session.new or _changed(row, fields)):
            wanted[(SUBJECTS[type(row)].value, row.id)] = None
    if wanted:
        now = utcnow()
        session.connection().execute(insert(Job), [
            {"kind": KIND, "payload": {"subject": subject, "id": subject_id}, "status": JobStatus.QUEUED.value,
             "attempts": 0, "max_attempts": 8, "priority": BACKGROUND, "run_after": now, "last_error": "",
             "created_at": now}
            for subject, subject_id in wanted])


ROWS = {subject: model for model, subject in SUBJECTS.items()}


@handler(KIND)
def embed_job(session: Session, payload: dict, _job: Job) -> None:
    """The job: embed one row's current text unless its stored vector is already of that text."""
    subject = Subject(payload.get("subject"))
    row = session.get(ROWS[subject], payload.get("id"))
    if row is None:
        return  # deleted since: nothing to embed
    store(session, [(subject, row)])


def store(session: Session, rows: list[tuple[Subject, Row]]) -> int:
    """Embed the rows whose stored vector is missing or stale, store them, mark their profiles changed; how
    many were embedded."""
    stored = _stored(session, rows)
    todo = [(subject, row) for subject, row in rows if stored.get((subject, row.id)) is None
            or stored[(subject, row.id)].digest != digest_of(row)]
    passages = [row for subject, row in todo if subject != Subject.CHALLENGE]
    vectors = dict(zip([id(r) for r in passages], embedder.passages([text_of(r) for r in passages]), strict=True))
    for subject, row in todo:
        vector = vectors[id(row)] if id(row) in vectors else embedder.query(text_of(row))
        entry = stored.get((subject, row.id)) or Embedding(subject=subject, subject_id=row.id, digest="", vector=b"")
        entry.digest, entry.vector, entry.computed_at = digest_of(row), vector.astype(np.float32).tobytes(), utcnow()
        session.add(entry)
    profiles = {row.id if subject == Subject.PROFILE else row.profile_id  # type: ignore[union-attr]
                for subject, row in todo if subject in (Subject.PROFILE, Subject.DOCUMENT)}
    session.flush()
    if profiles:
        session.exec(update(Profile).where(col(Profile.id).in_(profiles)).values(updated_at=utcnow()))
    return len(todo)


def _stored(session: Session, rows: Iterable[tuple[Subject, Row]]) -> dict:
    keys: dict[Subject, list[int]] = {}
    for subject, row in rows:
        keys.setdefault(subject, []).append(row.id)
    found = {}
    for subject, ids in keys.items():
        for entry in session.exec(select(Embedding).where(Embedding.subject == subject,
                                                          col(Embedding.subject_id).in_(ids))):
            found[(subject, entry.subject_id)] = entry
    return found


def vectors(session: Session, subject: Subject, rows: Iterable[Row],
            everything: bool = False) -> dict[int, np.ndarray]:
    """The current vectors of rows (id → vector), leaving out stale ones. `everything` reads all of the
    subject's vectors in one pass (a full index build) instead of by ids."""
    return _current(session, subject, {row.id: digest_of(row) for row in rows}, everything)


def vectors_by_subject(session: Session, rows: dict[Subject, Iterable[Row]],
                       everything: bool = False) -> dict[Subject, dict[int, np.ndarray]]:
    """vectors() of several subjects in one round trip."""
    return _current_many(session, {subject: {row.id: digest_of(row) for row in of} for subject, of in rows.items()},
                         everything)


def _current(session: Session, subject: Subject, digests: dict, everything: bool) -> dict[int, np.ndarray]:
    """The stored vectors whose digest is the one given for their id (the text as it is now)."""
    return _current_many(session, {subject: digests}, everything)[subject]


def _current_many(session: Session, digests: dict[Subject, dict], everything: bool) -> dict[Subject, dict]:
    """_current of several subjects, read in one statement."""
    wanted = []
    for subject, of in digests.items():
        condition = Embedding.subject == subject
        if not everything and len(of) <= 1000:  # beyond, one pass over all beats a long IN list
            condition = and_(condition, col(Embedding.subject_id).in_(list(of)))
        wanted.append(condition)
    found: dict[Subject, dict] = {subject: {} for subject in digests}
    statement = select(Embedding.subject, Embedding.subject_id, Embedding.digest, Embedding.vector).where(
        or_(*wanted))
    for subject, subject_id, digest, vector in session.exec(statement):
        if digests[subject].get(subject_id) == digest:
            found[subject][subject_id] = np.frombuffer(vector, dtype=np.float32)
    return found


def with_query_vectors(session: Session, queries: list[Query]) -> list[Query]:
    """Challenges as engine queries (ranking.published) with their current vectors, read in one pass."""
    digests = {int(q.id): embedder.digest("query", embedder.query_text(q.title, q.text, q.keywords))
               for q in queries}
    found = _current(session, Subject.CHALLENGE, digests, everything=True)
    return [dataclasses.replace(q, vector=found[int(q.id)]) if int(q.id) in found else q for q in queries]


def challenge_vector(challenge: Challenge) -> np.ndarray | None:
    """A challenge's current vector, if its job has run since the text last changed (read once per
    transaction and text: a page that ranks and then says whether the meaning was used asks twice)."""
    session = object_session(challenge)
    if session is None or challenge.id is None:
        return None
    memo = inspect(challenge).info
    key = (digest_of(challenge), session.get_transaction())
    if memo.get("vector.key") != key:
        found = _current(session, Subject.CHALLENGE, {challenge.id: key[0]}, everything=False)
        memo["vector"] = found.get(challenge.id)
        memo["vector.key"] = (key[0], session.get_transaction())  # the read began the transaction if none was
    return memo["vector"]


def embed_missing(session: Session, progress=None) -> tuple[int, float]:
    """Embed every missing or stale text in this process, in batches committed as they go; (how many,
    seconds)."""
    started, done = time.perf_counter(), 0
    for model, subject in SUBJECTS.items():
        ids = session.exec(select(model.id).order_by(col(model.id))).all()
        for start in range(0, len(ids), 256):
            rows = session.exec(select(model).where(col(model.id).in_(ids[start:start + 256]))).all()
            for first in range(0, len(rows), BATCH):
                done += store(session, [(subject, row) for row in rows[first:first + BATCH]])
                session.commit()
            if progress:
                progress(done)
    return done, time.perf_counter() - started
