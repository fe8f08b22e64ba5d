"""Load-test every busy page on city-scale data: SQLite, then PostgreSQL (a throw-away server this starts).

For each database: create it, load the demo plus one city (`load-demo --scale city`), save the index, start
gunicorn (WORKERS, 2 by default), sign the roles in, warm every page, then run locust headless against one
page at a time at each user count for SECONDS, and print requests/s and p50/p95/p99 per page with the
load generator's own share of the machine's CPU.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PAGES = ["solver home", "challenge list", "challenge search", "api list", "candidates", "dashboard",
         "challenge page", "decision"]
ROLES = {"solver": "solver@demo.jiebang.cn", "manager": "manager@demo.jiebang.cn",
         "government": "government@demo.jiebang.cn"}
PASSWORD = "jiebang-demo"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--locust", required=True, help="the locust executable (of .venv-load)")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--users", default="10,50")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", 2)))
    parser.add_argument("--csl", type=Path, default=None, help="CSL papers for the city's texts (optional)")
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    users = [int(u) for u in args.users.split(",")]
    print(f"# machine: {os.cpu_count()} cores; gunicorn {args.workers} workers; {args.seconds} s per run")
    for database in args.databases.split(","):
        with _database(database.strip()) as (url, folder):
            rows = _run_database(url, folder, args, pages, users)
        _print_table(database, rows)


@contextmanager
def _database(kind: str) -> Iterator[tuple[str, Path]]:
    folder = Path(tempfile.mkdtemp(prefix="jiebang-load-"))
    try:
        if kind == "sqlite":
            yield f"sqlite:///{folder / 'city.db'}", folder
            return
        sys.path.insert(0, str(ROOT))
        from tests.pg_server import INSTALL_HINT, PostgresServer, available
        if not available():
            raise SystemExit(f"PostgreSQL 15 is needed for the PostgreSQL run: {INSTALL_HINT}")
        server = PostgresServer()
        try:
            yield server.start(), folder
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run_database(url: str, folder: Path, args, pages: list[str], users: list[int]) -> list[dict]:
    env = {**os.environ, "DATABASE_URL": url, "MATCHING_INDEX_DIR": str(folder / "index"),
           "JIEBANG_INSTANCE_PATH": str(folder), "SECRET_KEY": "load-test-" + "x" * 32}
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    _timed("init-db", [*flask, "init-db"], env)
    city = [*flask, "load-demo", "--scale", "city"] + (["--csl", str(args.csl)] if args.csl and args.csl.is_file()
                                                       else [])
    _timed("load-demo --scale city", city, env)
    _timed("reindex", [*flask, "reindex"], env)
    token = subprocess.run([*flask, "create-token", "--email", ROLES["solver"], "--name", "load"], env=env,
                           cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    with _gunicorn(env, args.workers) as base:
        context = _context(base, token)
        context_file = folder / "context.json"
        context_file.write_text(json.dumps(context), encoding="utf-8")
        _warm(base, context)
        return [_locust(args, base, context_file, folder, page, n) for page in pages for n in users]


def _timed(name: str, command: list[str], env: dict) -> None:
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    print(f"{name}: {time.perf_counter() - started:.1f} s", flush=True)


@contextmanager
def _gunicorn(env: dict, workers: int) -> Iterator[str]:
    port = _free_port()
    started = time.perf_counter()
    process = subprocess.Popen([str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                                "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/account/login", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.1)
        print(f"gunicorn serving after {time.perf_counter() - started:.1f} s", flush=True)
        yield base
        print(f"gunicorn workers' resident memory: {_worker_memory(process.pid)}", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _worker_memory(master: int) -> str:
    """Each worker's resident set (Linux /proc; shared pages such as the mapped index count in each)."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        sizes = [next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                      if line.startswith("VmRSS:")) for pid in children]
    except (OSError, StopIteration, ValueError):
        return "unknown"
    return ", ".join(f"{kb / 1024:.0f} MiB" for kb in sizes)


def _free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _context(base: str, token: str) -> dict:
    """Each role signed in once; ids to visit; a CSRF token for the manager's decisions."""
    cookies, csrf = {}, {}
    for role, email in ROLES.items():
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        token_field = CSRF.search(opener.open(base + "/account/login").read().decode()).group(1)
        opener.open(base + "/account/login", urlencode({"email": email, "password": PASSWORD,
                                                        "csrf_token": token_field}).encode())
        cookies[role] = {c.name: c.value for c in jar}
        csrf[role] = CSRF.search(opener.open(base + "/profiles/").read().decode()).group(1) \
            if role == "manager" else ""
    listing = _json(base + "/api/v1/challenges?per_page=50", token)
    challenges = [item["id"] for item in listing["items"]][:20]
    manager = urllib.request.build_opener()
    manager.addheaders = [("Cookie", "; ".join(f"{k}={v}" for k, v in cookies["manager"].items()))]
    decisions = []
    for challenge in challenges[:5]:
        page = manager.open(f"{base}/challenges/{challenge}/candidates").read().decode()
        decisions += [(challenge, int(p)) for p in re.findall(rf"/challenges/{challenge}/candidates/(\d+)", page)]
    if not decisions:
        raise SystemExit("the manager's candidates pages offer no decision to load-test")
    return {"cookies": cookies, "csrf": csrf, "token": token, "challenges": challenges, "decisions": decisions}


def _json(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    return json.loads(urllib.request.urlopen(request).read())


def _warm(base: str, context: dict) -> None:
    """Every page a few times, so each worker has built what it keeps (the run measures the steady state)."""
    started = time.perf_counter()
    paths = {"solver": ["/", "/challenges/", "/challenges/?q=电池"] + [f"/challenges/{c}" for c in
                                                                       context["challenges"][:3]],
             "manager": [f"/challenges/{c}/candidates?kind={k}" for c in context["challenges"][:3]
                         for k in ("solver", "manager", "commissioner")],
             "government": ["/government/dashboard/"]}
    for role, urls in paths.items():
        opener = urllib.request.build_opener()
        opener.addheaders = [("Cookie", "; ".join(f"{k}={v}" for k, v in context["cookies"][role].items()))]
        for _round in range(4):
            for path in urls:
                opener.open(base + urllib.parse.quote(path, safe="/?=&")).read()
    print(f"warm-up: {time.perf_counter() - started:.1f} s", flush=True)


def _locust(args, base: str, context_file: Path, folder: Path, page: str, users: int) -> dict:
    prefix = folder / f"{page.replace(' ', '-')}-{users}"
    env = {**os.environ, "LOADTEST_PAGE": page, "LOADTEST_CONTEXT": str(context_file)}
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run([args.locust, "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
                    "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{args.seconds}s",
                    "--host", base, "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
                   env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / (wall * (os.cpu_count() or 1))
    stats = next(row for row in csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8"))
                 if row["Name"] == page)
    row = {"page": page, "users": users, "rps": float(stats["Requests/s"]), "p50": stats["50%"],
           "p95": stats["95%"], "p99": stats["99%"], "requests": int(stats["Request Count"]),
           "failures": int(stats["Failure Count"]), "locust_cpu": cpu}
    print(f"  {page} × {users}: {row['rps']:.1f} req/s, p50 {row['p50']} ms, p95 {row['p95']} ms, "
          f"{row['failures']} failed, locust {cpu:.0%} CPU", flush=True)
    return row


def _print_table(database: str, rows: list[dict]) -> None:
    print(f"\n## {database}\n")
    print("| page | users | requests/s | p50 ms | p95 ms | p99 ms | requests | failed | locust CPU |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['page']} | {r['users']} | {r['rps']:.1f} | {r['p50']} | {r['p95']} | {r['p99']} | "
              f"{r['requests']} | {r['failures']} | {r['locust_cpu']:.0%} |")
    print(flush=True)


if __name__ == "__main__":
    main()
