"""The production process set, started as the README says, watched through its own endpoints.

`db upgrade`, then web with two server processes, two named workers and the beat on
PostgreSQL, Redis and a loopback SMTP server, sharing one PROMETHEUS_MULTIPROC_DIR. A
relay run by a worker sends the queued messages; `/metrics` (served by either web process)
shows the worker's send latency, the outbox drained and the state changes; both workers
answer a ping by name; `/readyz` is ready.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from celery import Celery

from models import Base
from models.db import make_engine, make_session_factory
from tests.conftest import make_campaign
from tests.integration.test_secrets_never_printed import Running, free_port, run
from tests.integration.worker_fixtures import _postgresql, redis_db, wait_until
from tests.integration.worker_reading import in_qualification
from tests.smtp_server import RecordingSMTPServer
from tests.web.test_health import metric

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


@pytest.fixture
def production(tmp_path: Path) -> Iterator[dict[str, str]]:
    url, engine, drop = _postgresql()
    engine.dispose()
    with RecordingSMTPServer() as smtp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HONORFLOW_")}
        env.update(
            HONORFLOW_DATABASE_URL=url,
            HONORFLOW_BROKER_URL=f"redis://127.0.0.1:6379/{redis_db()}",
            HONORFLOW_TASK_QUEUE=f"hf-test-{uuid.uuid4().hex[:12]}",
            HONORFLOW_SMTP_HOST="127.0.0.1",
            HONORFLOW_SMTP_PORT=str(smtp.port),
            HONORFLOW_DATA_DIR=str(tmp_path / "data"),
            PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
            PYTHONPATH=str(ROOT),
        )
        (tmp_path / "metrics").mkdir()
        yield env
        assert smtp.messages, "the worker sent the queued messages"
    drop()


def test_the_process_set_shows_its_work(production: dict[str, str], tmp_path: Path) -> None:
    env = production
    # The schema is empty until the explicit migration step (the tables made by the fixture
    # are dropped first, as on a fresh server).
    engine = make_engine(env["HONORFLOW_DATABASE_URL"])
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
    assert run(env, "db", "upgrade").returncode == 0
    sf = make_session_factory(engine)
    campaign_id = make_campaign(sf)
    for i in range(2):
        in_qualification(sf, campaign_id, f"张{i}")
    engine.dispose()
    port = free_port()
    processes = [
        Running(env, tmp_path / "web.log", "web", "--port", str(port), "--workers", "2"),
        Running(env, tmp_path / "w1.log", "worker", "-n", "mail1@%h", "-c", "1"),
        Running(env, tmp_path / "w2.log", "worker", "-n", "mail2@%h", "-c", "1"),
        Running(env, tmp_path / "beat.log", "beat"),
    ]
    base = f"http://127.0.0.1:{port}"
    client = Celery("probe", broker=env["HONORFLOW_BROKER_URL"])
    client.conf.task_default_queue = env["HONORFLOW_TASK_QUEUE"]
    try:
        wait_until(lambda: _get(f"{base}/readyz") == 200, 60, "web to be ready")
        for worker in processes[1:3]:
            wait_until(lambda w=worker: " ready." in w.text(), 60, "a worker")
        host = socket.gethostname()
        names = {f"mail1@{host}", f"mail2@{host}"}
        wait_until(
            lambda: names <= {n for r in client.control.ping(timeout=1.0) for n in r},
            20,
            "both workers to answer by name",
        )
        before = httpx.get(f"{base}/metrics", timeout=10).text
        assert metric(before, "honorflow_outbox_messages", status="pending") > 0
        assert metric(before, "honorflow_state_changes_total", trigger="begin_review") == 2
        client.send_task("honorflow.relay_outbox")
        wait_until(
            lambda: _drained(httpx.get(f"{base}/metrics", timeout=10).text),
            30,
            "the outbox to drain, seen in /metrics",
        )
        after = httpx.get(f"{base}/metrics", timeout=10).text
        # Measured in a worker process, shown by a web process: the shared folder at work.
        assert metric(after, "honorflow_relay_send_seconds_count", outcome="sent") > 0
        assert 'route="/readyz"' in after
    finally:
        client.close()
        logs = {p.log.name: p.stop() for p in processes}
    assert all("Traceback" not in text for text in logs.values()), logs


def _get(url: str) -> int:
    try:
        return httpx.get(url, timeout=3).status_code
    except httpx.HTTPError:
        return 0


def _drained(text: str) -> bool:
    sent = metric(text, "honorflow_relay_send_seconds_count", outcome="sent")
    return metric(text, "honorflow_outbox_messages", status="pending") == 0 and sent > 0
