"""Connections: on PostgreSQL, reads outside `writing()` run on a read-only autocommit engine, and a pooled
connection the server closed is replaced instead of failing a request."""

from __future__ import annotations

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from models.accounts import Organisation
from models.db import make_engine, new_session, writing
from tests.conftest import TEST_DB
from webapp import db

ON_POSTGRES = pytest.mark.skipif(TEST_DB != "postgres", reason="PostgreSQL only (JIEBANG_TEST_DB=postgres)")


def organisations(session) -> int:
    """How many organisations the session sees."""
    return session.exec(select(func.count()).select_from(Organisation)).one()


def test_sqlite_has_one_engine_for_reads_and_writes(app):
    """SQLite's BEGIN costs no round trip: reads and writes share the one engine."""
    if TEST_DB == "postgres":
        assert len(db.engines(app)) == 2
    else:
        assert db.engines(app) == [app.extensions["engine"]]


@ON_POSTGRES
def test_a_read_outside_writing_cannot_write_and_a_write_inside_it_can(app):
    """Outside `writing()` the server refuses a write (the reader is read-only); inside it, the write is
    committed on the writing engine and the reader sees it at once (autocommit: no stale snapshot)."""
    engine, reader = db.engines(app)
    session = new_session(engine, reader)
    assert organisations(session) == 0
    with pytest.raises(DBAPIError, match="read-only transaction"):
        session.add(Organisation(name="天津大学", kind="university", region="tianjin"))
        session.flush()
    session.rollback()
    with writing():
        session.add(Organisation(name="天津大学", kind="university", region="tianjin"))
        session.commit()
    assert organisations(session) == 1
    session.close()


@ON_POSTGRES
def test_a_connection_the_server_closed_is_replaced_not_shown_as_an_error(world, database_url):
    """After the server ends every pooled connection (a restart, an administrator), the next read and the
    next write open fresh connections: no 500."""
    client = world.login("solver")
    assert client.get("/challenges/").status_code == 200
    assert world.api("solver", "PATCH", "/profiles/me", {"expertise": "减速器齿轮磨削"}).status_code == 200
    admin = make_engine(database_url)
    with admin.connect() as connection:
        ended = connection.execute(text(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
    admin.dispose()
    assert ended >= 2  # the app's reading and writing connections
    assert client.get("/challenges/").status_code == 200
    assert world.api("solver", "PATCH", "/profiles/me", {"expertise": "摆线轮磨削"}).status_code == 200
