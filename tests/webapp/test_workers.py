"""Freshness across real gunicorn workers: a profile edited through one worker is ranked by every worker."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.webapp.test_curation import EXPERT, add_solver
from tests.world import World
from webapp import create_app, db

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
WORKERS = 2


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def shared(database_url, tmp_path, app):
    """A database both this process and gunicorn's workers open, with the cast in it."""
    if database_url.startswith("postgresql"):
        yield database_url, World.build(app)  # the app fixture emptied the server's database
        return
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    own = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False})
    with own.app_context():
        db.create_all()
    yield url, World.build(own)
    own.extensions["engine"].dispose()


@pytest.fixture
def server(shared, tmp_path):
    """gunicorn with two workers on the shared database; yields its URL and access log (with worker pids)."""
    url, _world = shared
    log = tmp_path / "access.log"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "workers-test", "JIEBANG_INSTANCE_PATH": str(tmp_path)}
    process = subprocess.Popen([str(GUNICORN), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
                                "--access-logfile", str(log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
                                "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/account/login", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("gunicorn did not start")
    yield base, log
    process.terminate()
    process.wait(timeout=10)


def call(base: str, token: str, path: str, method: str = "GET", body: dict | None = None) -> dict:
    """One API call on a fresh connection."""
    request = urllib.request.Request(base + "/api/v1" + path, method=method,
                                     data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


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
