"""Engine and session factory: DATABASE_URL picks the database, SQLite file by default.

Writers take the database's write lock when their transaction begins: on SQLite a transaction opened
while `writing()` is in force starts with BEGIN IMMEDIATE, so two requests that read a record and then
change it run one after the other (the second reads what the first committed) instead of failing with
"database is locked" when the second tries to upgrade its read snapshot. PostgreSQL needs no such lock:
every state change there is a conditional UPDATE, which its row locks serialise.

On PostgreSQL a request that only reads (no `writing()` in force) may run on a second engine whose
connections are in autocommit and read-only (`make_reader`): no BEGIN and no ROLLBACK round trip, the same
visibility as the default READ COMMITTED (each statement sees what was committed before it began), and the
server refuses any write that was not declared with `writing()`. Neither engine pings the server before each
checkout (a round trip per request): a pooled connection is checked locally instead (`_still_open`).
"""

from __future__ import annotations

import contextlib
import select
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 15_000
_WRITING: ContextVar[bool] = ContextVar("jiebang_writing", default=False)
RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Transactions begun inside this block intend to write (SQLite: BEGIN IMMEDIATE)."""
    token = _WRITING.set(True)
    try:
        yield
    finally:
        _WRITING.reset(token)


def is_retryable(exc: BaseException) -> bool:
    """Whether a database error is a lost race that a fresh transaction may win (deadlock, serialization
    failure, SQLite busy): the work is retried, never shown to the user as a 500."""
    if not isinstance(exc, DBAPIError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database table is locked" in message


def default_url(instance_path: str | Path) -> str:
    """Return the embedded SQLite URL under the instance folder."""
    path = Path(instance_path) / "jiebang.db"
    return f"sqlite:///{path}"


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres:// and postgresql:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return _server_engine(url)
    options: dict = {"connect_args": {"check_same_thread": False}}
    if url in ("sqlite://", "sqlite:///:memory:"):
        options["poolclass"] = StaticPool
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def make_reader(url: str) -> Engine | None:
    """PostgreSQL: an engine for transactions that only read (autocommit, refused any write by the server);
    None for SQLite, where BEGIN costs no round trip."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return None
    return _server_engine(url, isolation_level="AUTOCOMMIT",
                          connect_args={"options": "-c default_transaction_read_only=on"})


def _server_engine(url: str, **options) -> Engine:
    engine = create_engine(url, **options)
    event.listen(engine, "checkout", _still_open)
    return engine


def _still_open(dbapi_connection, _record, _proxy) -> None:
    """Refuse a pooled connection the server has closed (restart, idle timeout, terminated backend), so the
    pool opens a fresh one — without pool_pre_ping's round trip. An idle connection has nothing to read
    unless the server said goodbye: its socket is readable then (an error message, or end of file)."""
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("connection closed")
    try:
        readable, _w, _x = select.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError) as exc:
        raise DisconnectionError("connection unusable") from exc
    if readable:
        raise DisconnectionError("server closed the connection")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Make SQLite safe for several writer processes (gunicorn workers)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLAlchemy emits BEGIN itself (below), so that a writer can ask for IMMEDIATE: pysqlite's own
    # implicit BEGIN would start every transaction deferred, and only before the first write.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _WRITING.get() else "BEGIN")


class RoutedSession(Session):
    """A session whose transactions read on `reader` unless `writing()` is in force."""

    def __init__(self, engine: Engine, reader: Engine | None = None, **options) -> None:
        super().__init__(engine, **options)
        self.reader = reader

    def get_bind(self, *args, **kwargs):
        """The reading engine outside `writing()`, the session's own engine inside it."""
        if self.reader is not None and not _WRITING.get():
            return self.reader
        return super().get_bind(*args, **kwargs)


def new_session(engine: Engine, reader: Engine | None = None) -> Session:
    """Open a session that keeps loaded objects usable after commit (reading on `reader` when given)."""
    return RoutedSession(engine, reader, expire_on_commit=False)
