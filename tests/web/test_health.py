"""/healthz, /readyz and /metrics: what they check, what they show, and who may read metrics."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from config import wiring
from config.settings import Settings
from models.db import make_engine, make_session_factory
from models.migrate import alembic_config, head_revision, upgrade
from models.uow import UnitOfWork
from notifications.relay import relay
from notifications.transport import SmtpTransport
from tests.integration import flow
from tests.smtp_server import RecordingSMTPServer
from tests.web.conftest import NOW, World
from web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = ("127.0.0.1", 50000)
TOKEN = "metrics-token-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def client_over(
    sf: sessionmaker[Session], settings: Settings, peer: str = "127.0.0.1"
) -> TestClient:
    app = create_app(sf)
    app.state.wiring = wiring.over(sf, settings)
    return TestClient(app, client=(peer, 50000))


@pytest.fixture
def migrated(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A SQLite database made by the migrations, as `honorflow db upgrade` makes it."""
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def redis_port() -> Iterator[int]:
    """A Redis server of this test's own, on a port of its own."""
    port = free_port()
    server = start_redis(port)
    yield port
    server.kill()
    server.wait(timeout=10)


def start_redis(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.05)
    server.kill()
    raise AssertionError("redis-server did not start")


def test_healthz_answers_without_login(world: World) -> None:
    assert world.client.get("/healthz").json() == {"status": "ok"}


def test_ready_only_with_the_current_schema(migrated: sessionmaker[Session]) -> None:
    client = client_over(migrated, Settings())
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok"}}
    engine = migrated.kw["bind"]
    url = engine.url.render_as_string(hide_password=False)
    command.downgrade(alembic_config(url), "-1")
    behind = client.get("/readyz", headers={"Accept-Language": "en"})
    assert behind.status_code == 503
    body = behind.json()
    assert body["checks"] == {"database": "schema_behind"}
    assert f"expected {head_revision()}" in body["failed"]["database"]
    assert "honorflow db upgrade" in body["failed"]["database"]
    upgrade(engine)
    assert client.get("/readyz").status_code == 200


def test_a_database_made_without_migrations_is_not_ready(world: World) -> None:
    answer = world.client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["database"] == "schema_behind"


def test_unready_while_the_broker_port_is_closed(
    migrated: sessionmaker[Session], redis_port: int
) -> None:
    settings = Settings(broker_url=f"redis://default:brokerpass@127.0.0.1:{redis_port}/0")
    client = client_over(migrated, settings)
    assert client.get("/readyz").json()["checks"] == {"database": "ok", "broker": "ok"}
    subprocess.run(["redis-cli", "-p", str(redis_port), "shutdown", "nosave"], check=False)
    time.sleep(0.2)
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.json()["checks"] == {"database": "ok", "broker": "unreachable"}
    assert "brokerpass" not in down.text
    again = start_redis(redis_port)
    try:
        assert client.get("/readyz").status_code == 200
    finally:
        again.kill()
        again.wait(timeout=10)


def test_readyz_is_not_rate_limited_nor_behind_login(migrated: sessionmaker[Session]) -> None:
    client = client_over(migrated, Settings(), peer="203.0.113.9")
    assert all(client.get("/readyz").status_code == 200 for _ in range(30))


SAMPLE = re.compile(r"^(?P<name>[a-z_]+)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$", re.M)


def metric(text: str, name: str, **labels: str) -> float:
    """One sample's value from the exposition text (0 when absent), labels in any order."""
    for found in SAMPLE.finditer(text):
        shown = dict(re.findall(r'(\w+)="([^"]*)"', found["labels"] or ""))
        if found["name"] == name and all(shown.get(k) == v for k, v in labels.items()):
            return float(found["value"])
    return 0.0


def test_metrics_after_a_state_change_and_a_send(world: World) -> None:
    client = TestClient(world.app, client=LOOPBACK)
    before = client.get("/metrics").text
    pending = metric(before, "honorflow_outbox_messages", status="pending")
    assert pending > 0, "the seeded flows queued messages"
    assert metric(before, "honorflow_outbox_oldest_pending_seconds") > 0
    submits = metric(before, "honorflow_state_changes_total", trigger="submit")
    draft = flow.add(world.sf, world.campaign_id, "nc", "指标甲")
    flow.fire(world.sf, draft, "submit")
    with RecordingSMTPServer() as smtp:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=smtp.port)
        transport = SmtpTransport("127.0.0.1", smtp.port)
        sent = relay(lambda: UnitOfWork(world.sf), transport, lambda: NOW, settings)
    assert sent["sent"] > 0
    after = client.get("/metrics").text
    assert metric(after, "honorflow_state_changes_total", trigger="submit") == submits + 1
    assert metric(after, "honorflow_outbox_messages", status="pending") == 0
    assert metric(after, "honorflow_outbox_oldest_pending_seconds") == 0
    assert metric(after, "honorflow_relay_send_seconds_count", outcome="sent") >= sent["sent"]
    assert 'honorflow_deadlines{kind="' in after
    # Requests are labelled by their route's template, never the raw path.
    world.client.get(f"/api/nominations/{draft}", headers=world.h("admin"))
    timed = client.get("/metrics").text
    assert 'route="/api/nominations/{nomination_id}"' in timed
    assert f"/api/nominations/{draft}" not in timed
    world.client.get("/no/such/path/123")
    assert "/no/such/path" not in client.get("/metrics").text


def test_metrics_refused_off_the_loopback_and_through_a_proxy(world: World) -> None:
    far = TestClient(world.app, client=("203.0.113.9", 50000))
    refused = far.get("/metrics")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "metrics_refused"
    assert "honorflow_" not in refused.text
    near = TestClient(world.app, client=LOOPBACK)
    proxied = near.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert proxied.status_code == 403
    assert near.get("/metrics").status_code == 200


def test_metrics_with_a_token_ask_for_it_even_on_the_loopback(world: World) -> None:
    world.app.state.wiring = wiring.over(world.sf, Settings(metrics_token=TOKEN))
    near = TestClient(world.app, client=LOOPBACK)
    assert near.get("/metrics").status_code == 401
    wrong = near.get("/metrics", headers={"Authorization": "Bearer not-the-token-at-all"})
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"] == "Bearer"
    far = TestClient(world.app, client=("203.0.113.9", 50000))
    right = far.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 200
    assert "honorflow_state_changes_total" in right.text


def test_metrics_add_up_the_processes_of_the_shared_folder(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two worker processes each send one message; /metrics in a third shows both sends."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    send = "from notifications.metrics import observe_send; observe_send('sent', 0.02)"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", send], env=env, cwd=ROOT, check=True)
    assert len(list(folder.glob("histogram_*-*.db"))) == 2, "one file per host and pid"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    shown = TestClient(world.app, client=LOOPBACK).get("/metrics").text
    assert metric(shown, "honorflow_relay_send_seconds_count", outcome="sent") == 2
    assert "honorflow_state_changes_total" in shown
