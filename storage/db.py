"""Engine and session factory for SQLite (the embedded default) and PostgreSQL (via ``DATABASE_URL``).

SQLite runs in WAL mode with foreign keys on. Every SQLite transaction starts with ``BEGIN IMMEDIATE``: Cobot's
handlers read and then write in one transaction, and a deferred transaction that tries to upgrade to a write
lock after another connection committed fails at once with "database is locked" (the busy timeout does not
apply to that case). Taking the write lock up front makes writers queue politely behind the busy timeout instead.

Writers queue for that lock in Cobot itself before they ask SQLite: SQLite's busy handler polls, sleeping 1, 2,
5, 10 … up to 100 ms between tries, so under load a request slept through many moments at which the lock was
free (``cobot serve`` with two workers: a p99 of about a second at 50 requests/s, bench/bench_serve.py). Threads
of one process wait on a lock of the engine's, which hands over the moment the holder finishes; processes take
turns through an advisory lock on a file next to the database (``<database>-writer``), which the one waiting
thread of each process tries every half millisecond.

Every statement passes one guard on its way to the database (``_guard_parameters``), on both back ends: text with
a NUL character, which PostgreSQL refuses (a ``DataError`` for ``/cocreate new Foo\\x00bar``, a skill, a form field
or a thread reply), loses its NULs, and a value written into a column narrower than it (an over-long Slack or
Teams id) raises ``ValueTooLong`` instead of PostgreSQL's ``StringDataRightTruncation`` (SQLite would have stored
it). This is the one point all text from every adapter crosses, forms and the console included; ``Cobot.act``
turns ``ValueTooLong`` into a polite refusal.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, String, TypeDecorator, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

try:
    import fcntl
except ImportError:  # Windows: only the threads of one process take turns there; processes wait in SQLite
    fcntl = None  # type: ignore[assignment]

SQLITE_BUSY_TIMEOUT_S = 30  # the default wait for SQLite's write lock (``Timeouts`` sets it per engine)
READ_ONLY = "cobot_read_only"  # execution option: this transaction only reads


class ValueTooLong(ValueError):
    """A value longer than the column it was to be written to: nothing is written (the transaction rolls back)."""

    def __init__(self, *, column: str, limit: int, length: int) -> None:
        super().__init__(f"{length} characters for {column}, which holds {limit}")
        self.column = column
        self.limit = limit


@dataclass(frozen=True)
class Timeouts:
    """How long the engine waits for the database (``app.yaml`` ``database:``). A database that does not answer
    (a blackholed host, a server that hangs) then ends in an error the adapters answer politely, not a hang."""

    connect: float = 2.0  # opening a connection (PostgreSQL; libpq counts whole seconds, at least 2)
    statement: float = 2.0  # one statement (PostgreSQL's statement_timeout); SQLite: the wait for the write lock
    pool: float = 1.0  # a free connection from the pool


_SQLITE_WAITED = ("database is locked", "database table is locked", "database is busy")


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) says the database did not answer in time, or not at all: no free
    pooled connection, PostgreSQL's connection failures and cancelled (timed-out) statements, SQLite's lock not
    had within the busy timeout. Other operational errors (a missing table, say) are bugs, not an outage."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, PoolTimeout):
            return True
        if isinstance(seen, OperationalError):
            driver = seen.orig
            if type(driver).__module__.startswith("psycopg"):  # connection lost or refused, statement cancelled
                return True
            if any(phrase in str(driver) for phrase in _SQLITE_WAITED):
                return True
        seen = seen.__cause__ or seen.__context__
    return False


def make_engine(url: str, *, echo: bool = False, timeouts: Timeouts | None = None) -> Engine:
    """Build the engine for ``url``; a SQLite file's folder is created if missing."""
    engine = _make_engine(url, echo=echo, timeouts=timeouts or Timeouts(statement=SQLITE_BUSY_TIMEOUT_S))
    event.listen(engine, "before_cursor_execute", _guard_parameters, retval=True)
    return engine


def _make_engine(url: str, *, echo: bool, timeouts: Timeouts) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(
            url,
            echo=echo,
            pool_pre_ping=True,
            pool_size=10,
            max_overflow=10,
            pool_timeout=timeouts.pool,
            json_serializer=_json_without_nul,
            connect_args={
                "connect_timeout": max(2, math.ceil(timeouts.connect)),
                # A host that stops answering mid-conversation: the kernel gives the connection up after this
                # long with data unacknowledged, instead of the default quarter of an hour.
                "tcp_user_timeout": int((timeouts.connect + timeouts.statement) * 1000),
            },
        )
        statement_ms = int(timeouts.statement * 1000)

        def limit_statements(dbapi_connection: Any, _record: Any) -> None:
            # Set per connection, not as a libpq ``options`` argument, which would replace the URL's own options.
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {statement_ms}")
            dbapi_connection.commit()

        event.listen(engine, "connect", limit_statements)
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": timeouts.statement},
        json_serializer=_json_without_nul,
        pool_timeout=timeouts.pool,
    )
    in_memory = not parsed.database or parsed.database == ":memory:" or "mode=memory" in str(parsed)
    writers = _Writers(None if in_memory else f"{Path(str(parsed.database)).expanduser()}-writer", timeouts.statement)
    event.listen(engine, "connect", partial(_configure_sqlite_connection, busy_seconds=timeouts.statement))
    event.listen(engine, "begin", writers.begin)
    event.listen(engine, "commit", writers.end)
    event.listen(engine, "rollback", writers.end)
    event.listen(engine.pool, "checkin", writers.returned)  # a transaction that ended without either
    return engine


_NUL = "\x00"
_WIDTHS = "cobot_widths"  # attribute of a compiled statement: bind name → (column, width) of its String binds


def _guard_parameters(
    _connection: Any, _cursor: Any, statement: str, parameters: Any, context: Any, _executemany: bool
) -> tuple[str, Any]:
    """The guard of the module's docstring: widths are checked for inserts and updates only (a look-up with a
    long value just finds nothing), NULs are removed from every parameter (look-ups such as ``who`` included)."""
    if context is not None and (context.isinsert or context.isupdate) and context.compiled is not None:
        _check_widths(context.compiled, context.compiled_parameters or ())
    # Not by ``executemany``: a batch of insertmanyvalues comes flagged so, as one flat set of parameters.
    if isinstance(parameters, list) and parameters and isinstance(parameters[0], dict | list | tuple):
        return statement, [_without_nul(row) for row in parameters]
    return statement, _without_nul(parameters)


def _check_widths(compiled: Any, rows: Any) -> None:
    widths: dict[str, tuple[str, int]] | None = getattr(compiled, _WIDTHS, None)
    if widths is None:
        widths = {}
        for name, bind in compiled.binds.items():
            kind = bind.type.impl_instance if isinstance(bind.type, TypeDecorator) else bind.type  # SQLModel's
            if isinstance(kind, String) and kind.length:
                widths[name] = (str(getattr(bind, "_orig_key", None) or name), int(kind.length))
        setattr(compiled, _WIDTHS, widths)
    if not widths:
        return
    for row in rows:
        for name, (column, width) in widths.items():
            value = row.get(name)
            if isinstance(value, str) and len(value) > width:
                raise ValueTooLong(column=column, limit=width, length=len(value))


def _json_without_nul(value: Any) -> str:
    """JSON columns (a request's skills, a message's payload) are text in JSON: their NULs go too, since the
    JSON escape ``\\u0000`` passes the parameter check above and PostgreSQL's ``jsonb`` would refuse it."""
    return json.dumps(_deep_without_nul(value))


def _deep_without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(_NUL, "")
    if isinstance(value, dict):
        return {_deep_without_nul(k): _deep_without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_deep_without_nul(v) for v in value]
    return value


def _without_nul(parameters: Any) -> Any:
    if isinstance(parameters, dict):
        if any(isinstance(v, str) and _NUL in v for v in parameters.values()):
            return {k: v.replace(_NUL, "") if isinstance(v, str) else v for k, v in parameters.items()}
        return parameters
    if isinstance(parameters, list | tuple):
        if any(isinstance(v, str) and _NUL in v for v in parameters):
            return type(parameters)(v.replace(_NUL, "") if isinstance(v, str) else v for v in parameters)
        return parameters
    return parameters


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any, *, busy_seconds: float) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself instead of pysqlite's implicit deferred BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
    finally:
        cursor.close()


class _Writers:
    """The engine's queue for SQLite's write lock (see the module's docstring). A transaction holds it from its
    BEGIN IMMEDIATE to its commit or rollback; one that cannot have it within the busy timeout goes ahead and
    leaves the wait to SQLite, as before."""

    HELD = "cobot_writer"  # key in the connection's info: this connection holds the lock
    POLL_S = 0.0005

    def __init__(self, lock_path: str | None, wait_seconds: float) -> None:
        self._wait = wait_seconds
        self._lock = threading.Lock()
        self._path = lock_path
        self._file: IO[bytes] | None = None
        self._pid = 0

    def _acquire(self) -> bool:
        deadline = time.monotonic() + self._wait
        if not self._lock.acquire(timeout=self._wait):
            return False
        file = self._lock_file()
        if file is None:
            return True
        while True:
            try:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self._lock.release()
                    return False
                time.sleep(self.POLL_S)

    def _lock_file(self) -> IO[bytes] | None:
        """This process's handle on the lock file (opened anew after a fork: flock belongs to the handle)."""
        if self._path is None or fcntl is None:
            return None
        if self._file is None or self._pid != os.getpid():
            try:
                self._file = open(self._path, "ab")  # noqa: SIM115 (kept open for the engine's life)
            except OSError:
                self._path = None  # a read-only folder: the threads of this process still take turns
                return None
            self._pid = os.getpid()
        return self._file

    def begin(self, connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            # A long read (a report export) takes a deferred BEGIN: in WAL mode it reads one consistent snapshot
            # and never holds the write lock, so Cobot keeps answering while a big export runs.
            connection.exec_driver_sql("BEGIN")
            return
        connection.info[self.HELD] = self._acquire()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._release(connection.info)
            raise

    def end(self, connection: Any) -> None:
        self._release(connection.info)

    def returned(self, _dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            self._release(record.info)

    def _release(self, info: dict[str, Any]) -> None:
        if info.pop(self.HELD, False):
            if self._file is not None and self._pid == os.getpid() and fcntl is not None:
                fcntl.flock(self._file, fcntl.LOCK_UN)
            self._lock.release()


def read_only(engine: Engine) -> Engine:
    """The same engine for transactions that only read (reports): one consistent snapshot for all their queries,
    which on SQLite never takes the write lock and on PostgreSQL refuses writes."""
    if is_sqlite(engine):
        return engine.execution_options(**{READ_ONLY: True})
    return engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)


def reader(engine: Engine) -> Engine:
    """The engine for short reads outside any handler's transaction (the outbox sender's look-ups): on SQLite
    they take a deferred BEGIN and so never queue for the write lock; elsewhere nothing changes."""
    return engine.execution_options(**{READ_ONLY: True}) if is_sqlite(engine) else engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed when the block ends normally, rolled back entirely when it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
