"""A real Celery worker in a subprocess, on real Redis, a real database and a loopback SMTP server.

The worker is configured only through HONORFLOW_* environment variables, exactly as in
production. Each test gets its own Celery queue (HONORFLOW_TASK_QUEUE) on a Redis database
of its pytest-xdist process, its own SQLite file or PostgreSQL schema and its own SMTP
server, so tests running in parallel cannot take each other's tasks or rows.

Task results are not stored (`task_ignore_result`), so completion is read where an operator
would read it: the worker's log line `Task <name>[<id>] succeeded in …s: <result>`.
"""

from __future__ import annotations

import ast
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from models import Base
from models.db import make_engine, make_session_factory
from tests.conftest import PG_URL
from tests.databases import fresh_sqlite
from tests.smtp_server import RecordingSMTPServer

ROOT = Path(__file__).resolve().parents[2]
CELERY = [sys.executable, "-m", "celery"]
REDIS_HOST = "127.0.0.1"


def redis_db() -> int:
    """A Redis database per pytest-xdist process (gw0 -> 1, gw1 -> 2, …; no xdist -> 15)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    digits = "".join(ch for ch in worker if ch.isdigit())
    return 1 + int(digits) % 14 if digits else 15


def wait_until(check: Callable[[], Any], timeout: float, what: str, poll: float = 0.05) -> Any:
    """Poll `check` until it returns something truthy; fail the test after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(poll)


class CeleryWorker:
    """`celery -A tasks.app worker` as a process group of its own, logging to a file."""

    _DONE = r"Task (?P<name>[\w.]+)\[(?P<id>{id})\] (?P<how>succeeded in [\d.e-]+s: |raised |retry)"

    def __init__(self, env: dict[str, str], log: Path, concurrency: int = 1) -> None:
        self.env, self.log, self.concurrency = env, log, concurrency
        self.name = f"w{uuid.uuid4().hex[:8]}@%h"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> CeleryWorker:
        """Start the worker and wait until it says it is ready."""
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [
                    *CELERY,
                    "-A",
                    "tasks.app",
                    "worker",
                    f"--concurrency={self.concurrency}",
                    "--pool=prefork",
                    "-Q",
                    self.env["HONORFLOW_TASK_QUEUE"],
                    "-n",
                    self.name,
                    # No broadcast chatter with the other tests' workers on the same Redis.
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                ],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill() reaches the pool too
            )
        wait_until(
            lambda: " ready." in self.text() or self.proc.poll() is not None,  # type: ignore[union-attr]
            timeout,
            "the worker to start",
        )
        assert self.proc.poll() is None, f"worker exited early:\n{self.text()}"
        return self

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def outcome(self, task_id: str) -> tuple[str, Any] | None:
        """(`succeeded`, result) or (`raised`/`retry`, the log) once the task has finished here."""
        log = self.text()
        found = re.search(self._DONE.format(id=re.escape(task_id)), log)
        if found is None:
            return None
        if not found["how"].startswith("succeeded"):
            return found["how"].strip(), log
        line = log[found.end() :].split("\n", 1)[0]
        return "succeeded", ast.literal_eval(line.strip())

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def kill(self) -> None:
        """SIGKILL the whole process group (main process and pool children), at once."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


@dataclass
class Stack:
    """One test's database, SMTP server, queue, a client app and the workers it started."""

    db: str
    url: str
    engine: Engine
    smtp: RecordingSMTPServer
    tmp: Path
    broker_url: str
    queue: str = field(default_factory=lambda: f"hf-test-{uuid.uuid4().hex[:12]}")
    workers: list[CeleryWorker] = field(default_factory=list)
    _client: Celery | None = None

    @property
    def sf(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    @property
    def env(self) -> dict[str, str]:
        """What a worker or a `honorflow` command of this test runs with."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("HONORFLOW_")}
        env.update(
            HONORFLOW_DATABASE_URL=self.url,
            HONORFLOW_BROKER_URL=self.broker_url,
            HONORFLOW_TASK_QUEUE=self.queue,
            HONORFLOW_SMTP_HOST="127.0.0.1",
            HONORFLOW_SMTP_PORT=str(self.smtp.port),
            HONORFLOW_SMTP_TIMEOUT="60",
            HONORFLOW_DATA_DIR=str(self.tmp / "data"),
            PYTHONPATH=str(ROOT),
        )
        return env

    @property
    def client(self) -> Celery:
        """A Celery app that sends to this test's queue (no tasks module imported here)."""
        if self._client is None:
            app = Celery("honorflow-test", broker=self.broker_url)
            app.conf.update(
                task_default_queue=self.queue,
                broker_connection_retry_on_startup=True,
                broker_transport_options={"visibility_timeout": 3600},
            )
            self._client = app
        return self._client

    def worker(self, concurrency: int = 1) -> CeleryWorker:
        """Start a worker on this test's queue; it is stopped when the test ends."""
        log = self.tmp / f"worker-{len(self.workers)}.log"
        worker = CeleryWorker(self.env, log, concurrency)
        self.workers.append(worker)
        return worker.start()

    def send(self, name: str, **kwargs: Any) -> str:
        """Send a task by name; returns its id."""
        return str(self.client.send_task(f"honorflow.{name}", kwargs=kwargs).id)

    def wait(self, task_id: str, timeout: float = 30.0) -> Any:
        """The result of a task, read from whichever worker ran it."""

        def finished() -> tuple[str, Any] | None:
            for worker in self.workers:
                outcome = worker.outcome(task_id)
                if outcome is not None:
                    return outcome
            return None

        how, value = wait_until(finished, timeout, f"task {task_id}")
        assert how == "succeeded", f"task {task_id} {how}:\n{value}"
        return value

    def run(self, name: str, timeout: float = 30.0, **kwargs: Any) -> Any:
        """Send a task and wait for its result."""
        return self.wait(self.send(name, **kwargs), timeout)

    def logs(self) -> str:
        return "\n".join(f"--- {w.log.name}\n{w.text()}" for w in self.workers)

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        if self._client is not None:
            self._client.close()
        self._forget_queue()

    def _forget_queue(self) -> None:
        """Drop what kombu left in Redis for this test's queue (bindings, the list, unacked)."""
        client = redis.Redis.from_url(self.broker_url)
        try:
            for key in client.scan_iter(match=f"*{self.queue}*"):
                client.delete(key)
            for tag, payload in client.hscan_iter("unacked"):
                if self.queue.encode() in payload:
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)
        except redis.ConnectionError:
            pass  # a test's own Redis that is already gone
        finally:
            client.close()


def _sqlite(tmp: Path) -> tuple[str, Engine, Callable[[], None]]:
    engine = fresh_sqlite(tmp)
    return str(engine.url), engine, engine.dispose


def _postgresql() -> tuple[str, Engine, Callable[[], None]]:
    """A schema of its own; the URL carries it as search_path, for the worker's engine."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)

    def drop() -> None:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return url, engine, drop


def make_stack(db: str, tmp: Path, broker_url: str | None = None) -> Iterator[Stack]:
    url, engine, drop = _sqlite(tmp) if db == "sqlite" else _postgresql()
    smtp = RecordingSMTPServer().start()
    broker = broker_url or f"redis://{REDIS_HOST}:6379/{redis_db()}"
    stack = Stack(db, url, engine, smtp, tmp, broker)
    try:
        yield stack
    finally:
        stack.close()
        smtp.stop()
        drop()


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=DATABASES)
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    """Database (SQLite and PostgreSQL), SMTP server and queue of one test; workers on demand."""
    yield from make_stack(request.param, tmp_path)


@pytest.fixture
def sqlite_stack(tmp_path: Path) -> Iterator[Stack]:
    yield from make_stack("sqlite", tmp_path)
