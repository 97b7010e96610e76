"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import random
import select
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

# What entry points hold to open units of work, without naming SQLAlchemy themselves.
SessionFactory = sessionmaker[Session]

# The execution option a unit of work sets on its engine view: False begins a read (deferred
# on SQLite, no write lock), True or absent a write transaction (`BEGIN IMMEDIATE`).
WRITE_OPTION = "honorflow_write"
# A writer waits this long for SQLite's write lock (the driver's busy timeout), and asks again
# up to BEGIN_ATTEMPTS times with a short random back-off before giving up with DatabaseBusy.
BUSY_TIMEOUT_S = 5.0
BEGIN_ATTEMPTS = 4
BACKOFF_S = 0.05
# Connections kept for the embedded default; more are opened when asked (max_overflow=-1), so a
# burst waits for SQLite's lock, never for the pool ("QueuePool limit reached").
SQLITE_POOL_SIZE = 16
# A PostgreSQL connection is replaced after this many seconds, so one a firewall or proxy has
# silently dropped while idle is not kept for ever (a closed one is noticed at checkout).
PG_POOL_RECYCLE_S = 1800


class DatabaseBusy(Exception):
    """The database stayed locked by other writers through every attempt; nothing was done."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for the URL; SQLite gets WAL, foreign keys, a busy timeout, deferred reads and
    immediate write transactions, and a pool that never makes a request wait for a connection."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, **kwargs)
    if parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
    engine = create_engine(url, **{"pool_recycle": PG_POOL_RECYCLE_S, **kwargs})
    if engine.dialect.name == "postgresql":
        event.listen(engine, "checkout", _refuse_closed)
    return engine


def _refuse_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Replace a pooled connection the server has closed, without a round trip.

    Instead of the pre-ping (a `SELECT 1` per checkout, two per request): an idle connection
    has nothing to read unless the server said goodbye (a restart, `pg_terminate_backend`, an
    idle timeout send a FATAL error, then close). DisconnectionError makes the pool discard it
    and check out another (SQLAlchemy's pessimistic disconnect handling, without the ping)."""
    if dbapi_connection.closed or _readable(dbapi_connection.fileno()):
        raise DisconnectionError("the server closed this pooled connection")


def _readable(fd: int) -> bool:
    """Whether a socket has data (or end of file) waiting, without waiting for it."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([fd], [], [], 0)[0])  # Windows: no poll()


def _sqlite_engine(url: str, database: str | None, **kwargs: Any) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        pool = {"poolclass": QueuePool, "pool_size": SQLITE_POOL_SIZE, "max_overflow": -1}
        kwargs = {**pool, **kwargs}
    connect_args = {"timeout": BUSY_TIMEOUT_S, **kwargs.pop("connect_args", {})}
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself, so a writer can take the write lock first.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # A writer takes the lock first: a read-then-write transaction that is upgraded later
        # fails at once when another writer committed since it read (SQLITE_BUSY_SNAPSHOT).
        # A reader (a unit of work opened with write=False) takes no lock at all under WAL.
        if connection.get_execution_options().get(WRITE_OPTION, True):
            begin_writing(connection)
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def begin_writing(connection: Any) -> None:
    """`BEGIN IMMEDIATE`, asked again a bounded number of times while other writers hold the lock.

    Nothing has been read or written in the transaction yet, so asking again is retrying the
    whole transaction; DatabaseBusy (an answer of 503) when every attempt timed out."""
    for attempt in range(BEGIN_ATTEMPTS):
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if not is_busy(exc):
                raise
            time.sleep(BACKOFF_S * (2**attempt) * (0.5 + random.random()))
    raise DatabaseBusy(f"the database stayed locked through {BEGIN_ATTEMPTS} attempts")


def is_busy(exc: BaseException) -> bool:
    """Whether an error means the database was too busy: every attempt at the write lock timed
    out, SQLite's "database is locked" (SQLITE_BUSY) met elsewhere, or a pool stayed empty."""
    if isinstance(exc, DatabaseBusy | PoolTimeout):
        return True
    return "database is locked" in str(exc) or "database table is locked" in str(exc)


# The errors an entry point asks `is_busy` about (web/busy.py answers 503 for those it is).
BUSY_ERRORS: tuple[type[Exception], ...] = (DatabaseBusy, PoolTimeout, OperationalError)


def make_session_factory(engine: Engine) -> SessionFactory:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
