"""What one `GET /api/tasks` costs the database: its statements and, on PostgreSQL, its round trips.

Deterministic, not timed (bench/bench_queue.py times it): the statements are captured with
SQLAlchemy's before_cursor_execute; the round trips are the messages that make the server
answer (a simple Query, or a Sync ending an extended query) in libpq's trace of the pooled
connections, so BEGIN, COMMIT and the pool's pings count too. A change that adds a lookup or a
transaction to the queue's request fails here.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event, select

from models import ApiToken
from models.uow import UnitOfWork
from tests.web.conftest import World
from workflow.queries import tasks as tasks_query

# The token (with its account) and the queue (its total and its page, in one statement).
STATEMENTS = 2
# On PostgreSQL, the two statements and nothing else: no BEGIN, no COMMIT, and no ping when a
# pooled connection is checked out (models.db notices a closed one without asking the server).
ROUND_TRIPS = 2


@dataclass
class Capture:
    statements: list[str] = field(default_factory=list)
    trace: list[str] = field(default_factory=list)
    pings: int = 0  # a pool's pre-ping on checkout (none is configured), sent before tracing

    @property
    def round_trips(self) -> int:
        """The pings, and the messages the client sent that the server answers: a Query, or
        the Sync ending a Parse, Bind, Execute (libpq's trace: time, F, length, message)."""
        sent = [line.split("\t") for line in self.trace]
        answered = sum(1 for m in sent if len(m) > 3 and m[1] == "F" and m[3] in ("Query", "Sync"))
        return self.pings + answered


@contextmanager
def captured(engine: Engine) -> Iterator[Capture]:
    """The statements run on `engine`, and on PostgreSQL the protocol messages exchanged."""
    seen = Capture()
    pg = engine.dialect.name == "postgresql"
    with tempfile.TemporaryFile("w+") as log:  # libpq writes to its descriptor
        ping = engine.dialect.do_ping

        def counted_ping(dbapi_connection: Any) -> bool:
            seen.pings += 1
            return bool(ping(dbapi_connection))

        def before(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
            if not statement.startswith("BEGIN"):  # SQLite's, issued by models.db's begin hook
                seen.statements.append(statement)

        def checkout(dbapi_connection: Any, *rest: Any) -> None:
            dbapi_connection.pgconn.trace(log.fileno())

        def checkin(dbapi_connection: Any, *rest: Any) -> None:
            if dbapi_connection is not None and not dbapi_connection.closed:
                dbapi_connection.pgconn.untrace()

        event.listen(engine, "before_cursor_execute", before)
        if pg:
            engine.dialect.do_ping = counted_ping  # type: ignore[method-assign]
            event.listen(engine.pool, "checkout", checkout)
            event.listen(engine.pool, "checkin", checkin)
        try:
            yield seen
        finally:
            event.remove(engine, "before_cursor_execute", before)
            if pg:
                del engine.dialect.do_ping  # the class's again
                event.remove(engine.pool, "checkout", checkout)
                event.remove(engine.pool, "checkin", checkin)
            log.seek(0)
            seen.trace = log.read().splitlines()


def _engine(world: World) -> Engine:
    engine = world.sf.kw["bind"]
    assert isinstance(engine, Engine)
    return engine


def test_the_queue_is_two_statements_and_on_postgresql_two_round_trips(world_both: World) -> None:
    """The token with its account, then total and page together; nothing else, no transaction."""
    world, h = world_both, world_both.h("police")
    assert world.client.get("/api/tasks", headers=h).status_code == 200  # the token's last use
    with captured(_engine(world)) as seen:
        page = world.client.get("/api/tasks", headers=h).json()
    assert (
        page["total"] == 2 and len(page["items"]) == 2 and all(t["nominee"] for t in page["items"])
    )
    assert len(seen.statements) == STATEMENTS, seen.statements
    token, listed = seen.statements
    assert "api_tokens" in token and "users" in token
    assert "count(*)" in listed and "recommending_units" in listed
    assert "conflict_declarations" in listed  # the recusal, as a column of the same statement
    assert not any("nominations.facts" in s or "nominations.deeds" in s for s in seen.statements)
    if _engine(world).dialect.name == "postgresql":
        assert seen.round_trips == ROUND_TRIPS, seen.trace
        assert not any('"BEGIN' in line or '"COMMIT"' in line for line in seen.trace)


def test_a_page_past_the_end_still_has_the_total(world_both: World) -> None:
    """The total comes from the count's own row, not from the page's rows."""
    world, h = world_both, world_both.h("police")
    past = world.client.get("/api/tasks?offset=10", headers=h).json()
    assert (past["total"], past["items"], past["offset"]) == (2, [], 10)
    none = world.client.get("/api/tasks?state=mine", headers=h).json()
    assert (none["total"], none["items"]) == (0, [])
    second = world.client.get("/api/tasks?limit=1&offset=1", headers=h).json()
    first = world.client.get("/api/tasks?limit=1", headers=h).json()
    whole = world.client.get("/api/tasks", headers=h).json()
    assert [first["items"][0], second["items"][0]] == whole["items"]
    assert first["total"] == second["total"] == whole["total"] == 2


def test_a_token_notes_its_last_use_at_most_once_a_minute(world_both: World) -> None:
    """A read writes the token's last use when it is a minute old, not on every request."""
    world, h = world_both, world_both.h("police")

    def last_used() -> Any:
        with UnitOfWork(world.sf) as uow:
            return uow.session.scalar(
                select(ApiToken.last_used_at).where(ApiToken.user_id == world.user_ids["police"])
            )

    world.client.get("/api/tasks", headers=h)
    noted = last_used()
    assert noted is not None
    world.app.state.clock.now += timedelta(seconds=50)
    with captured(_engine(world)) as seen:
        world.client.get("/api/tasks", headers=h)
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in seen.statements)
    assert last_used() == noted
    world.app.state.clock.now += timedelta(seconds=20)  # 70 s after the noted use
    world.client.get("/api/tasks", headers=h)
    assert last_used() == noted + timedelta(seconds=70)


def test_a_kept_statement_still_reads_the_clock(world_both: World) -> None:
    """The queue's statement is built once per actor, filter and page and kept, so the clock
    is a parameter of it: the overdue filter moves with time, not with the first request."""
    world, h = world_both, world_both.h("police")
    whole = world.client.get("/api/tasks", headers=h).json()
    due = sorted(t["due_at"] for t in whole["items"])
    assert whole["total"] == 2 and all(due)
    kept = tasks_query._statement.cache_info().hits
    assert world.client.get("/api/tasks?overdue=true", headers=h).json()["total"] == 0
    world.app.state.clock.now = datetime.fromisoformat(due[-1]) + timedelta(seconds=1)
    late = world.client.get("/api/tasks?overdue=true", headers=h).json()
    assert late["total"] == 2 and all(t["overdue"] for t in late["items"])
    assert tasks_query._statement.cache_info().hits > kept  # the same statement, run again
