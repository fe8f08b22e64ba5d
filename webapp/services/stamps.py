"""Version stamps of what workers cache (the engines, the published challenges): read together in one round
trip, and kept for the rest of the transaction.

A stamp is a few cheap index lookups. Profiles and achievements are never deleted, so their stamp is the
last id and the newest change (a count would scan the table on PostgreSQL: ≈ 2 ms at 10,000 profiles, on
every ranking). A page that ranks asks for every stamp it will need at once (`read(session, *names)`); a
later call in the same transaction answers from the session, until the session itself writes (a flush or
an UPDATE statement), which may move a stamp. A view that reads the same stamps on every visit names them
(`webapp.auth.reads_stamps`), and the signed-in account's statement reads them too: no round trip of their own.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import event, func
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from models.challenges import Bid, Challenge, ChallengeStatus
from models.embeddings import Embedding, Subject
from models.profiles import Achievement, Profile


def _vectors(subject: Subject) -> tuple:
    of = Embedding.subject == subject
    return select(func.count()).select_from(Embedding).where(of), select(func.max(Embedding.computed_at)).where(of)


PARTS = {
    "profiles": lambda: (select(func.coalesce(func.max(Profile.id), 0)), select(func.max(Profile.updated_at))),
    "achievements": lambda: (select(func.coalesce(func.max(Achievement.id), 0)),
                             select(func.max(Achievement.created_at))),
    "published": lambda: (select(func.count()).select_from(Challenge).where(
        Challenge.status == ChallengeStatus.PUBLISHED), select(func.max(Challenge.updated_at))),
    "bids": lambda: (select(func.max(Bid.id)),),  # bids are never deleted
    **{f"vectors.{subject.value}": (lambda subject=subject: _vectors(subject)) for subject in Subject},
}
_MEMO = "stamps"


def register(name: str, parts) -> None:
    """Name another stamp: `parts` gives the SELECTs of one value each (a service's own, such as the dashboard's)."""
    PARTS[name] = parts
    columns.cache_clear()
    _statement.cache_clear()


def read(session: Session, *names: str) -> list[tuple]:
    """The named stamps, each a tuple; those not yet read in this transaction in one statement."""
    missing = tuple(dict.fromkeys(name for name in names if name not in _memo(session)))
    if missing:
        seed(session, missing, session.execute(_statement(missing)).one())
    memo = _memo(session)
    return [memo[name] for name in names]


@lru_cache(maxsize=64)
def columns(names: tuple[str, ...]) -> tuple[tuple, tuple[int, ...]]:
    """The scalar subqueries that read these stamps — to select alone, or beside another statement's columns
    (the signed-in account's: webapp/auth.py) — and how many values each stamp has. Built once per names."""
    parts = [PARTS[name]() for name in names]
    return tuple(part.scalar_subquery() for statements in parts for part in statements), tuple(len(p) for p in parts)


@lru_cache(maxsize=64)
def _statement(names: tuple[str, ...]):
    """The one SELECT that reads these stamps (built once per set of names)."""
    return select(*columns(names)[0])


def seed(session: Session, names: tuple[str, ...], values) -> None:
    """Keep stamps just read (the values of `columns(names)`, in order) for the rest of the transaction."""
    memo, row = _memo(session), iter(values)
    memo.update({name: tuple(next(row) for _ in range(size)) for name, size in zip(names, columns(names)[1],
                                                                                   strict=True)})
    session.info[_MEMO] = (session.get_transaction(), memo)


def one(session: Session, name: str) -> tuple:
    """One stamp (see read)."""
    return read(session, name)[0]


def _memo(session: Session) -> dict:
    """The stamps read in the session's current transaction (empty in a new one)."""
    transaction, memo = session.info.get(_MEMO, (None, {}))
    return memo if transaction is not None and transaction is session.get_transaction() else {}


@event.listens_for(OrmSession, "after_flush")
def _forget_after_flush(session: OrmSession, _context) -> None:
    session.info.pop(_MEMO, None)


@event.listens_for(OrmSession, "do_orm_execute")
def _forget_after_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        state.session.info.pop(_MEMO, None)
