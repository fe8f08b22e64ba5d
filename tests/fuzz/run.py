"""Schemathesis against the served API, as several roles: the bounded run of the test suite and `make fuzz`.

`python -m tests.fuzz.run [--examples N] [--stateful] [--databases sqlite,postgres]` loads the demo into a
fresh database, serves it with gunicorn, runs schemathesis with every check but the response-time limit (tests
do not time) once per role and prints one table: test cases, failures and server errors per role and
database. Exit status 1 when anything failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests import pg_server
from tests.webapp.served import GUNICORN, ROOT, free_port, wait_until_serving

CONFIG = Path(__file__).with_name("schemathesis.toml")
ROLES = ("enterprise", "government", "solver", "manager")
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
FLASK = Path(sys.executable).parent / "flask"


@dataclass
class Outcome:
    """One role's run: what schemathesis generated and found."""

    role: str
    generated: int
    failures: dict[str, int]
    exit_code: int
    output: str

    @property
    def server_errors(self) -> int:
        """ST101 failures: answers with a 5xx status."""
        return self.failures.get("ST101", 0)


def environment(url: str, instance: Path) -> dict[str, str]:
    """The app's environment: the database, an instance folder, no address throttle for the fuzzer."""
    return {**os.environ, "DATABASE_URL": url, "JIEBANG_INSTANCE_PATH": str(instance),
            "MATCHING_INDEX_DIR": str(instance / "index"), "SIGNIN_ADDRESS_LIMIT": "1000000",
            "SECRET_KEY": "fuzz-" + "x" * 40}


def prepare(env: dict[str, str], roles: tuple[str, ...]) -> dict[str, str]:
    """Load the demo and make an API token per role."""
    for command in (["init-db"], ["load-demo"]):
        subprocess.run([str(FLASK), "--app", "wsgi", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    tokens = {}
    for role in roles:
        made = subprocess.run([str(FLASK), "--app", "wsgi", "create-token", "--email", f"{role}@demo.jiebang.cn"],
                              cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        tokens[role] = made.stdout.strip().splitlines()[-1]
    return tokens


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """gunicorn on the prepared database; yields its base URL."""
    port = free_port()
    process = subprocess.Popen([str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


# Every check schemathesis has but the response-time limit (`--checks all` adds it, at 10 s): tests do not
# time, benchmarks do — a loaded CI machine once took longer than that for one request.
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance", "negative_data_rejection",
          "positive_data_acceptance", "missing_required_header", "unsupported_method", "allow_header_conformance",
          "use_after_free", "ensure_resource_availability", "ignored_auth", "object_level_authorization")


def fuzz(base: str, role: str, token: str, examples: int, stateful: bool, report: Path) -> Outcome:
    """One schemathesis run as one role, on a fixed seed."""
    phases = "examples,coverage,fuzzing" + (",stateful" if stateful else "")
    command = [str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", f"{base}/api/v1/openapi.json",
               "--checks", ",".join(CHECKS), "-H", f"Authorization: Bearer {token}", "--max-examples", str(examples),
               "--seed", "20261201", "--generation-deterministic", "--phases", phases, "--no-color",
               "--report", "json", "--report-json-path", str(report)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=report.parent)
    summary = json.loads(report.read_text()) if report.exists() else {"test_cases": {}, "failures": []}
    failures = {f["code"]: f["count"] for f in summary["failures"]}
    return Outcome(role, summary["test_cases"].get("generated", 0), failures, done.returncode,
                   done.stdout + done.stderr)


def run_database(url: str, roles: tuple[str, ...], examples: int, stateful: bool) -> list[Outcome]:
    """Prepare, serve and fuzz one database."""
    with tempfile.TemporaryDirectory(prefix="jiebang-fuzz-") as folder:
        instance = Path(folder)
        env = environment(url, instance)
        tokens = prepare(env, roles)
        with serving(env) as base:
            return [fuzz(base, role, tokens[role], examples, stateful, instance / f"{role}.json")
                    for role in roles]


def table(results: dict[str, list[Outcome]]) -> str:
    """The printed table: one row per database and role."""
    lines = ["| database | role | test cases | failures | server errors (ST101) | exit |",
             "|---|---|---|---|---|---|"]
    for database, outcomes in results.items():
        for o in outcomes:
            found = ", ".join(f"{code} {n}" for code, n in sorted(o.failures.items())) or "0"
            lines.append(f"| {database} | {o.role} | {o.generated} | {found} | {o.server_errors} | {o.exit_code} |")
    return "\n".join(lines)


def main() -> int:
    """`make fuzz`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--stateful", action="store_true")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--roles", default=",".join(ROLES))
    args = parser.parse_args()
    roles = tuple(args.roles.split(","))
    results: dict[str, list[Outcome]] = {}
    for database in args.databases.split(","):
        if database == "sqlite":
            with tempfile.TemporaryDirectory(prefix="jiebang-fuzz-db-") as folder:
                results["sqlite"] = run_database(f"sqlite:///{folder}/fuzz.db", roles, args.examples, args.stateful)
        elif pg_server.available():
            server = pg_server.PostgresServer()
            try:
                results["postgres"] = run_database(server.start(), roles, args.examples, args.stateful)
            finally:
                server.stop()
        else:
            print(f"PostgreSQL skipped: {pg_server.INSTALL_HINT}", file=sys.stderr)
    for database, outcomes in results.items():
        for outcome in outcomes:
            if outcome.exit_code:
                print(f"\n### {database}, {outcome.role}: schemathesis said\n{outcome.output[-8000:]}", file=sys.stderr)
    print(table(results))
    return 1 if any(o.exit_code for outcomes in results.values() for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
