"""The embedded default holds under load: 50 concurrent conflicting actions on one nomination,
through a real server, give exactly one 200 and 49 × 409 on SQLite as on PostgreSQL."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent
from models.uow import UnitOfWork
from tests.conftest import make_campaign
from tests.integration import flow
from tests.web.conftest import make_app
from tests.web.hardening import add_accounts

CLIENTS = 50


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
    for base in serve(sf):
        answers = together(
            CLIENTS,
            lambda client: client.post(
                f"{base}/api/nominations/{nomination}/actions",
                json={"trigger": "begin_review"},
                headers={"Authorization": f"Bearer {token}"},
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
