"""Real gunicorn for tests: a database this process and the server's workers share, and the server itself."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.world import World
from webapp import create_app, db

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def shared_database(database_url: str, tmp_path: Path, app) -> Iterator[tuple[str, World]]:
    """A database both this process and gunicorn's workers open, with the cast in it."""
    if database_url.startswith("postgresql"):
        yield database_url, World.build(app)  # the app fixture emptied the server's database
        return
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    own = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                      "MATCHING_INDEX_DIR": str(tmp_path / "index"), "FILE_DIR": str(tmp_path / "files")})
    with own.app_context():
        db.create_all()
    yield url, World.build(own)
    db.dispose(own)


@contextmanager
def gunicorn(url: str, tmp_path: Path, workers: int = 2, threads: int = 1,
             secret: str = "served-test-" + "x" * 32) -> Iterator[tuple[str, Path]]:
    """gunicorn serving the app on `url` (signing with `secret`, so links this process makes work there);
    yields its base URL and access log (lines start with the worker pid)."""
    log = tmp_path / "access.log"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secret,
           "JIEBANG_INSTANCE_PATH": str(tmp_path), "MATCHING_INDEX_DIR": str(tmp_path / "index")}
    process = subprocess.Popen([str(GUNICORN), "--workers", str(workers), "--threads", str(threads),
                                "--bind", f"127.0.0.1:{port}", "--access-logfile", str(log),
                                "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "wsgi:app"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process)
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=15)


def wait_until_serving(base: str, process: subprocess.Popen) -> None:
    """Wait (up to 30 s) until the server answers; fail the test when it never does."""
    for _ in range(300):
        if process.poll() is not None:
            break
        try:
            urllib.request.urlopen(base + "/account/login", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("gunicorn did not start")


def call(base: str, token: str, path: str, method: str = "GET", body: dict | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict]:
    """One API call on a fresh connection: (status, JSON body), whatever the status."""
    request = urllib.request.Request(base + "/api/v1" + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                                              **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
