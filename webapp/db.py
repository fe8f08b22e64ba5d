"""One database session per request (or CLI command); views commit once at the end."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlmodel import Session, SQLModel

import models  # noqa: F401  (registers tables)
from models.db import make_engine, new_session
from webapp import mail


def init_app(app: Flask) -> None:
    """Create the app's engine and close the session after each request."""
    app.extensions["engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def session() -> Session:
    """The session of the current request."""
    if "db_session" not in g:
        g.db_session = new_session(current_app.extensions["engine"])
    return g.db_session


def commit() -> None:
    """Commit the request's work in one transaction, then send the e-mails it queued."""
    session().commit()
    mail.deliver(session())


def create_all() -> None:
    """Create every table directly (tests on a throw-away database)."""
    SQLModel.metadata.create_all(current_app.extensions["engine"])


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.rollback()
        db_session.close()
