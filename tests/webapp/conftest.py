"""Fixtures of the web tests that run against real gunicorn."""

from __future__ import annotations

import pytest

from tests.webapp.served import shared_database


@pytest.fixture
def shared(database_url, tmp_path, app):
    """A database both this process and gunicorn's workers open, with the cast in it."""
    with shared_database(database_url, tmp_path, app) as pair:
        yield pair
