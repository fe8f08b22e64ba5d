"""One database session per request (or CLI command); views commit once at the end.

A request's reads run on the reading engine where there is one (PostgreSQL: autocommit, read-only — see
models.db); what a request writes inside `writing()` (every unsafe request, and the few reads that store
something) runs on the writing engine. CLI commands and workers use the writing engine only.

In a request, `commit()` marks the work complete and webapp.transactions commits it after the view
returns (so it can retry the whole request after a lost race); elsewhere it commits at once.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import models  # noqa: F401  (registers tables)
from models.db import make_engine, make_reader, new_session


def init_app(app: Flask) -> None:
    """Create the app's engines and close the session after each request."""
    app.extensions["engine"] = make_engine(app.config["DATABASE_URL"])
    app.extensions["reader"] = make_reader(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def engines(app: Flask) -> list[Engine]:
    """Every engine of the app (the writing one first)."""
    return [e for e in (app.extensions["engine"], app.extensions["reader"]) if e is not None]


def dispose(app: Flask) -> None:
    """Close every pooled connection of the app (before its database goes away)."""
    for engine in engines(app):
        engine.dispose()


def session() -> Session:
    """The session of the current request (or command)."""
    if "db_session" not in g:
        reader = current_app.extensions["reader"] if has_request_context() else None
        g.db_session = new_session(current_app.extensions["engine"], reader)
    return g.db_session


def commit() -> None:
    """The work is complete: commit it (in a request, once the view has returned)."""
    if has_request_context() and "commit_wanted" in g:
        session().flush()
        g.commit_wanted = True
        return
    session().commit()


def rollback() -> None:
    """Undo the current transaction's work."""
    session().rollback()


def create_all() -> None:
    """Create every table directly (tests on a throw-away database)."""
    SQLModel.metadata.create_all(current_app.extensions["engine"])


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.rollback()
        db_session.close()
