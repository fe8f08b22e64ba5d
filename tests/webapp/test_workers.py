"""Freshness across real gunicorn workers: a profile edited through one worker is ranked by every worker."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.webapp.served import call as served_call
from tests.webapp.served import gunicorn
from tests.webapp.test_curation import EXPERT, add_solver

WORKERS = 2


@pytest.fixture
def server(shared, tmp_path):
    """gunicorn with two workers on the shared database; yields its URL and access log (with worker pids)."""
    with gunicorn(shared[0], tmp_path, workers=WORKERS) as served:
        yield served


def call(base: str, token: str, path: str, method: str = "GET", body: dict | None = None) -> dict:
    """One successful API call on a fresh connection."""
    status, answer = served_call(base, token, path, method, body)
    assert status < 300, (status, answer)
    return answer


def pids_serving(log: Path, path: str, since: int) -> set[str]:
    """Worker pids that answered `path`, from log line `since` on."""
    lines = log.read_text().splitlines()[since:] if log.exists() else []
    return {line.split()[0] for line in lines if f" /api/v1{path} " in line}


def until_every_worker(base: str, log: Path, token: str, path: str) -> list[dict]:
    """Ask concurrently, round after round, until every worker has answered at least once."""
    start = len(log.read_text().splitlines()) if log.exists() else 0
    answers: list[dict] = []
    with ThreadPoolExecutor(max_workers=6) as pool:
        for _round in range(20):
            answers += pool.map(lambda _i: call(base, token, path), range(6))
            time.sleep(0.2)  # the access log is written after the answer
            if len(pids_serving(log, path, start)) >= WORKERS:
                return answers
    pytest.fail("gunicorn never spread the requests over both workers")


def test_an_edit_through_one_worker_reaches_every_worker(shared, server):
    """Both workers rank before the edit; after it every answer from either worker has the edited profile."""
    _url, world = shared
    base, log = server
    add_solver(world, "expert", "燕山大学", EXPERT)
    cid = world.challenge("published")
    path = f"/challenges/{cid}/candidates"
    manager, editor = world.users["manager"]["token"], world.users["other_solver"]["token"]
    before = until_every_worker(base, log, manager, path)
    edited = call(base, editor, "/profiles/me")["id"]
    assert all(edited not in [i["profile_id"] for i in a["items"]] for a in before)
    call(base, editor, "/profiles/me", "PATCH", {"expertise": EXPERT + "，摆线轮磨削，齿形误差补偿"})
    after = until_every_worker(base, log, manager, path)
    assert all(edited in [i["profile_id"] for i in a["items"][:2]] for a in after)
