"""State changes as conditional updates: the write names the state it expects, so of any number of
concurrent requests exactly one moves the record and the others get a clean 409.

As django-fsm reads: the allowed sources sit beside the target, and the write is
`UPDATE … SET status = :target WHERE id = :id AND status = :expected`. Zero rows updated means someone
else changed the record since it was read; that is a 409, never a retry of the read.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel, select

from webapp.services.errors import Conflict, InvalidTransition


class ChangedMeanwhile(InvalidTransition):
    """Another request changed the record between reading and writing it."""

    code = "changed_meanwhile"


def allowed(transitions: dict[Any, frozenset], now: StrEnum, to: StrEnum) -> bool:
    """Whether a lifecycle's table lets `now` become `to`."""
    return to in transitions.get(now, frozenset())


def advance(session: Session, row: SQLModel, expected: StrEnum | Iterable[StrEnum], status_column: str = "status",
            *, unchanged: dict[str, Any] | None = None, **values: Any) -> None:
    """Write `values` to `row` only if its status in the database is still `expected` (and the `unchanged`
    columns still hold those values); else ChangedMeanwhile."""
    if not advanced(session, row, expected, status_column, unchanged=unchanged, **values):
        raise ChangedMeanwhile(_("Someone else changed this just now; reload the page to see its current state."))


def advanced(session: Session, row: SQLModel, expected: StrEnum | Iterable[StrEnum], status_column: str = "status",
             *, unchanged: dict[str, Any] | None = None, **values: Any) -> bool:
    """Write `values` to `row` if its status in the database is still `expected` (and the `unchanged` columns
    still hold those values: the version a reader saw); whether it was.

    The row object is brought up to date without being marked dirty, so no second UPDATE follows.
    """
    model = type(row)
    sources = sorted(s.value for s in ((expected,) if isinstance(expected, StrEnum) else expected))
    stored = {key: getattr(value, "value", value) for key, value in values.items()}
    statement = (update(model).where(model.id == row.id,  # type: ignore[attr-defined]
                                     getattr(model, status_column).in_(sources),
                                     *(getattr(model, key) == value for key, value in (unchanged or {}).items()))
                 .values(**stored).execution_options(synchronize_session=False))
    if session.exec(statement).rowcount != 1:  # type: ignore[call-overload]
        return False
    for key, value in values.items():
        set_committed_value(row, key, value)
    return True


def lock_for_reading(session: Session, row: SQLModel) -> None:
    """Re-read `row` holding a share lock until commit, so no conditional update of it can commit between
    this check and the write that depends on it (PostgreSQL; SQLite's writers already run one at a time)."""
    model = type(row)
    session.exec(select(model).where(model.id == row.id)  # type: ignore[attr-defined]
                 .with_for_update(read=True).execution_options(populate_existing=True)).one()


def lock_for_update(session: Session, row: SQLModel) -> None:
    """Re-read `row` holding an exclusive lock until commit: requests that read-then-write rows belonging to it
    (a review's loads) run one at a time (PostgreSQL; SQLite's writers already do)."""
    model = type(row)
    session.exec(select(model).where(model.id == row.id)  # type: ignore[attr-defined]
                 .with_for_update().execution_options(populate_existing=True)).one()


def insert_once(session: Session, row: SQLModel, message: str) -> None:
    """Insert a row that a unique constraint allows once; a concurrent twin that committed first makes
    this a Conflict (409) instead of a database error (the savepoint keeps the transaction usable)."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise Conflict(message) from None
