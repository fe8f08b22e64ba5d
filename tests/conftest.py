"""Fixtures: an app on a fresh database per test (SQLite in memory, or PostgreSQL), clients, actors."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from models.common import CHINA, today
from models.migrate import upgrade
from tests import budget, pg_server  # noqa: F401  (budget: the hypothesis profile)
from tests.world import World
from webapp import create_app, db

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TEST_DB = os.environ.get("JIEBANG_TEST_DB", "sqlite")


def require(condition: bool, what: str) -> None:
    """Skip a test that needs something absent, naming what to install; fail instead under CI."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI requires {what}", pytrace=False)
    pytest.skip(f"needs {what}")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The database the suite runs on: in-memory SQLite, or a PostgreSQL server we start."""
    if TEST_DB != "postgres":
        yield "sqlite://"
        return
    require(pg_server.available(), f"PostgreSQL 15 at {pg_server.PG_BIN}: {pg_server.INSTALL_HINT}")
    server = pg_server.PostgresServer()
    url = server.start()
    upgrade(url)  # the real migration builds the schema the whole suite runs on
    yield url
    server.stop()


def make_app(database_url: str, tmp_path, **overrides):
    """An app on an empty database (files under tmp_path unless `overrides` say otherwise)."""
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_METHOD": "pbkdf2:sha256:1000",
        "MATCHING_INDEX_DIR": str(tmp_path / "index"),
        "FILE_DIR": str(tmp_path / "files"),
        **overrides,
    })
    with app.app_context():
        if database_url.startswith("sqlite"):
            db.create_all()
        else:
            names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
            db.session().execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            db.commit()
    return app


@pytest.fixture
def app(database_url, tmp_path):
    """An app on an empty database."""
    app = make_app(database_url, tmp_path)
    yield app
    db.dispose(app)


@pytest.fixture
def client(app):
    """A browser-like test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner for `flask` commands."""
    return app.test_cli_runner()


@pytest.fixture
def world(app) -> World:
    """One account per role, two enterprises, two solvers, and their API tokens."""
    return World.build(app)


@pytest.fixture
def future() -> str:
    """A deadline 60 days ahead, as the API takes it."""
    return (today() + dt.timedelta(days=60)).isoformat()


@pytest.fixture
def server_off_chinas_day(monkeypatch):
    """This process in a time zone whose calendar day is not China's right now, at least an hour from turning:
    22:xx on China's yesterday until 18:59 in China, 01:xx on China's tomorrow after that. Code that asks the
    server for its date (`date.today()`) instead of China's (`models.common.today`) finds the wrong day.
    A POSIX zone string needs no time-zone database ("LCL-5" is UTC+5)."""
    hour = dt.datetime.now(CHINA).hour
    offset = 6 - hour if hour <= 18 else 33 - hour  # hours east of UTC: -12 … +14
    monkeypatch.setenv("TZ", f"LCL{-offset:+d}")
    time.tzset()
    assert dt.date.today() != today()
    yield
    monkeypatch.undo()
    time.tzset()
