"""The embedded default holds under load: 50 concurrent conflicting actions on one nomination,
through a real server, give exactly one 200 and 49 × 409 on SQLite as on PostgreSQL; a read
does not wait for SQLite's write lock; a writer that never gets it answers 503, never 500."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Base, db
from models.db import make_engine, make_session_factory
from models.uow import UnitOfWork
from tests.conftest import PG_URL, make_campaign
from tests.integration import flow
from tests.web.conftest import error, make_app
from tests.web.hardening import add_accounts

CLIENTS = 50


@contextmanager
def serve(sf: sessionmaker[Session]) -> Iterator[str]:
    """The app on a real uvicorn server on loopback; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(make_app(sf), lifespan="off", log_level="critical", backlog=256)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(250):
        if server.started:
            break
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)


def together(count: int, call: object) -> list[httpx.Response | BaseException]:
    """Run `call(client)` in `count` threads, each with its own connection, released at once."""
    assert callable(call)
    barrier = threading.Barrier(count)
    answers: list[httpx.Response | BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        with httpx.Client(timeout=120) as client:
            barrier.wait()
            try:
                answer: httpx.Response | BaseException = call(client)
            except httpx.HTTPError as exc:  # counted, so the assertion names it
                answer = exc
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert not any(t.is_alive() for t in threads)
    return answers


@pytest.fixture
def submitted(sf: sessionmaker[Session]) -> tuple[int, str]:
    """A submitted nomination and an administrator's token."""
    campaign_id = make_campaign(sf)
    nomination = flow.add(sf, campaign_id)
    flow.fire(sf, nomination, "submit")
    token = add_accounts(sf, {"admin": {"role": "admin"}})["admin"]
    return nomination, token


def test_fifty_concurrent_actions_one_applies_the_rest_conflict(
    sf: sessionmaker[Session], submitted: tuple[int, str]
) -> None:
    nomination, token = submitted
    with serve(sf) as base:
        url = f"{base}/api/nominations/{nomination}/actions"
        answers = together(
            CLIENTS,
            lambda client: client.post(
                url, json={"trigger": "begin_review"}, headers={"Authorization": f"Bearer {token}"}
            ),
        )
    statuses = Counter(a.status_code if isinstance(a, httpx.Response) else repr(a) for a in answers)
    assert statuses == {200: 1, 409: CLIENTS - 1}, statuses
    with UnitOfWork(sf) as uow:
        applied = uow.session.scalar(
            select(func.count()).where(
                AuditEvent.nomination_id == nomination, AuditEvent.trigger == "begin_review"
            )
        )
    assert applied == 1
    assert flow.status(sf, nomination).status == "qualification"


def test_a_read_does_not_wait_for_the_write_lock(
    sqlite_sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id = make_campaign(sqlite_sf)
    nomination = flow.add(sqlite_sf, campaign_id)
    token = add_accounts(sqlite_sf, {"admin": {"role": "admin"}})["admin"]
    client = TestClient(make_app(sqlite_sf), raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=headers).status_code == 200  # the token's last use
    monkeypatch.setattr(db, "BEGIN_ATTEMPTS", 1)
    with holding_the_write_lock(sqlite_sf):
        started = time.monotonic()
        read = client.get(f"/api/nominations/{nomination}", headers=headers)
        assert read.status_code == 200 and time.monotonic() - started < 2


def test_a_writer_that_never_gets_the_lock_answers_503(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.sqlite3'}", connect_args={"timeout": 0.05})
    Base.metadata.create_all(engine)
    sf = make_session_factory(engine)
    campaign_id = make_campaign(sf)
    nomination = flow.add(sf, campaign_id)
    token = add_accounts(sf, {"admin": {"role": "admin"}})["admin"]
    client = TestClient(make_app(sf), raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    assert client.get("/api/me", headers=headers).status_code == 200
    with holding_the_write_lock(sf):
        answer = client.post(
            f"/api/nominations/{nomination}/actions", json={"trigger": "submit"}, headers=headers
        )
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"
    assert error(answer) == {
        "code": "busy",
        "message": "The database is busy: nothing was done; please try again in a moment",
        "field": None,
        "allowed": None,
    }
    assert flow.status(sf, nomination).status == "draft"  # nothing half-done
    again = client.post(
        f"/api/nominations/{nomination}/actions", json={"trigger": "submit"}, headers=headers
    )
    assert again.status_code == 200


@contextmanager
def holding_the_write_lock(sf: sessionmaker[Session]) -> Iterator[None]:
    """Another connection holds SQLite's write lock for the block."""
    engine = sf.kw["bind"]
    with engine.connect() as conn:
        conn.exec_driver_sql("UPDATE users SET display_name = display_name")
        yield
        conn.rollback()


@pytest.mark.postgres
def test_a_small_pool_does_not_stall_many_readers(pg_engine: Engine) -> None:
    # A handler's read used to hold its connection while FastAPI waited for a worker thread to
    # validate the answer, and every thread waited for a connection: a stall, then errors.
    with pg_engine.connect() as conn:
        search_path = conn.exec_driver_sql("SHOW search_path").scalar_one()
    options = {"options": f"-csearch_path={search_path}"}
    small = make_engine(PG_URL, connect_args=options, pool_size=2, max_overflow=0, pool_timeout=5)
    sf = make_session_factory(small)
    campaign_id = make_campaign(sf)
    nomination = flow.add(sf, campaign_id)
    token = add_accounts(sf, {"admin": {"role": "admin"}})["admin"]
    with serve(sf) as base:
        url = f"{base}/api/nominations/{nomination}"
        answers = together(
            CLIENTS, lambda client: client.get(url, headers={"Authorization": f"Bearer {token}"})
        )
    small.dispose()
    statuses = Counter(a.status_code if isinstance(a, httpx.Response) else repr(a) for a in answers)
    assert statuses == {200: CLIENTS}, statuses
