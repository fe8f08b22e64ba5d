"""Fixtures of the web tests that run against real gunicorn."""

from __future__ import annotations

import pytest

from tests.webapp.served import gunicorn, shared_database


@pytest.fixture
def shared(database_url, tmp_path, app):
    """A database both this process and gunicorn's workers open, with the cast in it."""
    with shared_database(database_url, tmp_path, app) as pair:
        yield pair


@pytest.fixture
def server(shared, tmp_path):
    """gunicorn with 3 workers × 4 threads on the shared database: up to 12 requests in flight at once."""
    with gunicorn(shared[0], tmp_path, workers=3, threads=4, secret=shared[1].app.config["SECRET_KEY"]) as (base, _log):
        yield base
