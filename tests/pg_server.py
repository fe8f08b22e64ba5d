"""Start a throw-away PostgreSQL 15 server for the test session (as `postgres` when run by root)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
INSTALL_HINT = "install the PostgreSQL 15 server (Debian: apt-get install -y postgresql-15)"


def available() -> bool:
    """Whether the server binaries are on this machine."""
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to the postgres user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


class PostgresServer:
    """A temporary cluster listening on 127.0.0.1 with trust authentication."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="jiebang-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    def start(self) -> str:
        """Initialise and start the cluster; return a URL to a fresh database."""
        self._run([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                   "-E", "UTF8", "--no-locale"])
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-w",
                   "-l", str(self.dir / "server.log"), "start"])
        self._run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                   "jiebang_test"])
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/jiebang_test"

    def stop(self) -> None:
        """Stop the server and remove its files."""
        subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                                        "stop"]), capture_output=True, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def _run(self, cmd: list[str]) -> None:
        result = subprocess.run(_as_server_user(cmd), capture_output=True, text=True, cwd=self.dir)
        if result.returncode != 0:
            log = self.dir / "server.log"
            raise RuntimeError(f"{cmd[0]} failed: {result.stderr}\n{log.read_text() if log.exists() else ''}")
