"""A request after PostgreSQL closed the pooled connections (a restart, an idle timeout, an
administrator's `pg_terminate_backend`) still answers: the pool notices a closed connection when
it is checked out, without a ping, and opens another (models/db.py)."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import Engine, event

from tests.conftest import PG_URL
from tests.web.conftest import World

pytestmark = pytest.mark.postgres


def _engine(world: World) -> Engine:
    engine = world.sf.kw["bind"]
    assert isinstance(engine, Engine)
    return engine


def _pooled_backends(engine: Engine) -> list[int]:
    """The server process of every idle pooled connection (all checked out at once)."""
    held = [engine.connect() for _ in range(engine.pool.checkedin())]  # type: ignore[attr-defined]
    try:
        return [int(c.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()) for c in held]
    finally:
        for connection in held:
            connection.close()


def _terminate(pids: list[int]) -> None:
    """Close those server processes, as a restart would, and wait until they are gone."""
    url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 10
        while admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,)
        ).fetchone() != (0,):
            assert time.monotonic() < deadline, "the server processes did not end"
            time.sleep(0.05)


def test_the_queue_answers_after_the_server_closed_every_pooled_connection(
    world_both: World,
) -> None:
    world, h = world_both, world_both.h("police")
    engine = _engine(world)
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to close a connection")
    assert world.client.get("/api/tasks", headers=h).status_code == 200
    pids = _pooled_backends(engine)
    assert pids
    _terminate(pids)
    opened: list[object] = []

    def connected(dbapi_connection: object, _record: object) -> None:
        opened.append(dbapi_connection)

    event.listen(engine, "connect", connected)
    try:
        first = world.client.get("/api/tasks", headers=h)
        second = world.client.get("/api/tasks", headers=h)
    finally:
        event.remove(engine, "connect", connected)
    assert first.status_code == second.status_code == 200, first.text
    assert first.json()["total"] == 2
    assert opened  # a closed connection was replaced, not used
