"""`honorflow worker`: each worker has a node name of its own, and sends task events."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery

from tests.integration.worker_fixtures import REDIS_HOST, redis_db, wait_until

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    """`honorflow worker` in a process group of its own, logging to a file."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "cli.main", "worker", "-c", "1", *args],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def ready(self) -> None:
        wait_until(lambda: " ready." in self.text() or self.proc.poll() is not None, 60, "ready")
        assert self.proc.poll() is None, self.text()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


@pytest.fixture
def worker_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HONORFLOW_")}
    env.update(
        HONORFLOW_DATABASE_URL=f"sqlite:///{tmp_path / 'hf.sqlite3'}",
        HONORFLOW_BROKER_URL=f"redis://{REDIS_HOST}:6379/{redis_db()}",
        HONORFLOW_TASK_QUEUE=f"hf-test-{uuid.uuid4().hex[:12]}",
        HONORFLOW_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT),
    )
    # A worker refuses a database without the current schema; migrating is its own step.
    subprocess.run(
        [sys.executable, "-m", "cli.main", "db", "upgrade"], env=env, cwd=ROOT, check=True
    )
    return env


@pytest.fixture
def workers(worker_env: dict[str, str], tmp_path: Path) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


def test_two_workers_on_one_host_have_names_of_their_own(
    worker_env: dict[str, str], workers: list[Worker], tmp_path: Path
) -> None:
    named = Worker(worker_env, tmp_path / "named.log", "-n", "mail1@%h")
    plain = Worker(worker_env, tmp_path / "plain.log")
    workers += [named, plain]
    for worker in workers:
        worker.ready()
    host = socket.gethostname()
    expected = {f"mail1@{host}", f"worker-{plain.proc.pid}@{host}"}
    client = Celery("probe", broker=worker_env["HONORFLOW_BROKER_URL"])
    try:
        answered = wait_until(
            lambda: expected <= {n for r in client.control.ping(timeout=1.0) for n in r},
            20,
            "both workers to answer a ping",
        )
    finally:
        client.close()
    assert answered
    for worker in workers:
        log = worker.text()
        assert "task events: ON" in log, log
        assert "DuplicateNodenameWarning" not in log


def test_the_node_name_option_is_documented(worker_env: dict[str, str]) -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "cli.main", "worker", "--help"],
        env=worker_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "-n, --name" in shown.stdout and "%h" in shown.stdout
