"""Schemathesis (every check) against the served API as an enterprise and as government, on the demo: no
server error, no status or schema the OpenAPI document does not declare. A bounded, fixed-seed run; `make
fuzz` runs the long one with every role and the stateful phase."""

from __future__ import annotations

import pytest

from tests.conftest import require
from tests.fuzz import run

EXAMPLES = 5


@pytest.fixture
def database(database_url, tmp_path, app):
    """An empty database for the demo: a file for SQLite, the emptied test server for PostgreSQL."""
    if database_url.startswith("postgresql"):
        return database_url
    return f"sqlite:///{tmp_path / 'fuzz.db'}"


ROLES = ("enterprise", "government")


def test_the_api_keeps_its_document_under_fuzzing(database, tmp_path):
    """For each role: does every generated request get a declared status and body, and never a 5xx?"""
    require(run.SCHEMATHESIS.exists(), "schemathesis (pip install -r requirements.lock)")
    env = run.environment(database, tmp_path)
    tokens = run.prepare(env, ROLES)
    with run.serving(env) as base:
        outcomes = [run.fuzz(base, role, tokens[role], EXAMPLES, False, tmp_path / f"{role}.json") for role in ROLES]
    for outcome in outcomes:
        assert outcome.generated > 500, outcome.role
        assert outcome.exit_code == 0 and not outcome.failures, (outcome.role, outcome.output[-6000:])
