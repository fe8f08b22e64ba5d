"""The schema: migrations build what the models describe, on SQLite and PostgreSQL, keeping rows."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from models.db import make_engine
from models.migrate import MIGRATIONS, upgrade
from tests.conftest import TEST_DB


def test_suite_runs_on_the_requested_database(app):
    """Does the suite really run on the database it was asked for (SQLite or PostgreSQL)?"""
    dialect = app.extensions["engine"].dialect.name
    assert dialect == ("postgresql" if TEST_DB == "postgres" else "sqlite")


def schema_diff(url: str) -> list:
    """Differences between the migrated database and the models."""
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    return diff


def test_migration_builds_exactly_the_models_on_sqlite(tmp_path):
    """Does `alembic upgrade head` on an empty SQLite file produce the schema the models describe?"""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    assert schema_diff(url) == []


def test_migration_builds_exactly_the_models_on_the_test_database(database_url, tmp_path):
    """On PostgreSQL the suite's schema itself came from the migration: does it match the models?"""
    if not database_url.startswith("postgresql"):
        database_url = f"sqlite:///{tmp_path / 'again.db'}"
        upgrade(database_url)
    assert schema_diff(database_url) == []


HEAD = sorted(p.name for p in (MIGRATIONS / "versions").glob("0*.py"))[-1][:4]


def test_later_migration_keeps_rows(tmp_path):
    """Does upgrading a populated database from the first schema to the latest keep its rows?"""
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    upgrade(url, "0001")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organisation (name, kind, region, industry, created_at) "
                          "VALUES ('天津大学', 'university', 'tianjin', '', '2026-01-01 00:00:00')"))
    upgrade(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM organisation")).scalar_one() == "天津大学"
        assert conn.execute(text("SELECT count(*) FROM notification")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM subsidy")).scalar_one() == 0
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == HEAD
    engine.dispose()


def test_sqlite_uses_wal_and_a_busy_timeout(tmp_path):
    """Is the embedded database safe for several gunicorn workers (WAL, busy timeout, foreign keys)?"""
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() >= 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    engine.dispose()


def test_every_table_has_a_primary_key(tmp_path):
    """Does every migrated table have a primary key?"""
    url = f"sqlite:///{tmp_path / 'pk.db'}"
    upgrade(url)
    inspector = inspect(make_engine(url))
    for table in inspector.get_table_names():
        if table != "alembic_version":
            assert inspector.get_pk_constraint(table)["constrained_columns"], table
