"""The production process set, started as the README says, watched through its own endpoints.

`db upgrade`, then web with two server processes, two named workers and the beat on
PostgreSQL, Redis and a loopback SMTP server, sharing one PROMETHEUS_MULTIPROC_DIR. A
relay run by a worker sends the queued messages; `/metrics` (served by either web process)
shows the worker's send latency, the outbox drained and the state changes; both workers
answer a ping by name; `/readyz` is ready. Then the working team passes a nomination's
qualification through the API and each joint-review department's mail arrives once within
5 s; a worker killed with SIGKILL no longer answers the ping (one node fewer) while the other
does; `deadlines sweep --dry-run` changes no row. (`/readyz` with the broker's port closed,
and a killed sender's message going out after its lease, are in test_health and test_chaos.)
"""

from __future__ import annotations

import os
import signal
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from celery import Celery
from sqlalchemy import text

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
def production(tmp_path: Path) -> Iterator[tuple[dict[str, str], RecordingSMTPServer]]:
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
        yield env, smtp
        assert smtp.messages, "the worker sent the queued messages"
    drop()


def test_the_process_set_shows_its_work(
    production: tuple[dict[str, str], RecordingSMTPServer], tmp_path: Path
) -> None:
    env, smtp = production
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

        _qualification_passed_through_the_api(env, base, smtp)
        _a_killed_worker_is_one_node_fewer(processes[2], client, names)
        _dry_run_changes_nothing(env)
    finally:
        client.close()
        logs = {p.log.name: p.stop() for p in processes}
    assert all("Traceback" not in text for text in logs.values()), logs


TEAM_PASSWORD = "Zhuanban-honour-2026!"


def _qualification_passed_through_the_api(
    env: dict[str, str], base: str, smtp: RecordingSMTPServer
) -> None:
    """The working team passes one nomination; each department's task mail arrives once, fast."""
    made = run(env, "user", "create", "--username", "zb", "--name", "专班", "--role",
               "team_reviewer", "--department", "working_team", "--password-stdin",
               stdin=TEAM_PASSWORD + "\n")  # fmt: skip
    assert made.returncode == 0, made.stderr
    login = {"username": "zb", "password": TEAM_PASSWORD}
    token = httpx.post(f"{base}/api/auth/token", json=login, timeout=10).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    tasks = httpx.get(f"{base}/api/tasks", params={"stage": "qualification"}, headers=headers)
    task_id = tasks.json()["items"][0]["id"]
    before = len(smtp.received)
    passed = httpx.post(f"{base}/api/tasks/{task_id}/complete", headers=headers, timeout=10,
                        json={"outcome": "pass", "opinion": "符合推荐条件"})  # fmt: skip
    assert passed.status_code == 200, passed.text
    started = time.monotonic()
    # The routing sends every nominee of this kind to discipline and police.
    smtp.wait_for(before + 2, timeout=5.0)
    took = time.monotonic() - started
    time.sleep(1.0)  # a duplicate would arrive about as fast as the first
    fresh = smtp.messages[before:]
    assert sorted(m["To"] for m in fresh) == ["gongan@example.org", "jjjc@example.org"], took
    assert {m["X-Honorflow-Kind"] for m in fresh} == {"task_assigned"}


def _a_killed_worker_is_one_node_fewer(worker: Running, client: Celery, names: set[str]) -> None:
    os.killpg(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait(timeout=10)
    [killed] = [n for n in names if n.startswith("mail2@")]
    [alive] = names - {killed}

    def killed_gone_other_answers() -> bool:
        # Not "exactly the other one": workers other tests of this pytest process started on
        # the same Redis database may answer a broadcast ping too (the likely cause of this
        # check timing out in two full runs, while it passed alone).
        answered = {n for r in client.control.ping(timeout=1.0) for n in r}
        return killed not in answered and alive in answered

    wait_until(killed_gone_other_answers, 20, "the killed worker to be missing from the ping")


def _dry_run_changes_nothing(env: dict[str, str]) -> None:
    def rows() -> list[tuple[object, ...]]:
        engine = make_engine(env["HONORFLOW_DATABASE_URL"])
        try:
            with engine.connect() as conn:
                deadlines = conn.execute(text("SELECT id, status FROM deadlines ORDER BY id"))
                outbox = conn.execute(text("SELECT id, status FROM outbox_messages ORDER BY id"))
                return [*map(tuple, deadlines), ("outbox",), *map(tuple, outbox)]
        finally:
            engine.dispose()

    before = rows()
    # A year on, every reminder and escalation is due: the dry run lists them, fires none.
    shown = run(env, "--json", "deadlines", "sweep", "--dry-run", "--now", "2027-06-01 09:00")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() and rows() == before


def _get(url: str) -> int:
    try:
        return httpx.get(url, timeout=3).status_code
    except httpx.HTTPError:
        return 0


def _drained(text: str) -> bool:
    sent = metric(text, "honorflow_relay_send_seconds_count", outcome="sent")
    return metric(text, "honorflow_outbox_messages", status="pending") == 0 and sent > 0
