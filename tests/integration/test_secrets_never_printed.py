"""No line any command prints or logs holds a password of the configured URLs or settings.

The commands run as an operator runs them — `db upgrade`, `user create`, `web`, `worker`,
`beat`, and failures against closed ports — with passwords in the database, broker and
rate-limit URLs and in the SMTP settings. PostgreSQL (trust) and Redis (no password set)
accept any password, so the URLs work as they are.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from models.db import make_engine
from tests.conftest import PG_URL
from tests.integration.worker_fixtures import redis_db, wait_until

ROOT = Path(__file__).resolve().parents[2]
DB_PASSWORD = "Db-pw-7f3k9Zq2x"
BROKER_PASSWORD = "Br%40ker-pw-q81"  # written encoded: '@' as %40
LIMITS_PASSWORD = "Lim-pw-55kXo0"
SMTP_PASSWORD = "Smtp-pw-Yu72nd"
USER_PASSWORD = "Account-pw-0Zr8Lm!"
SECRETS = [
    DB_PASSWORD,
    BROKER_PASSWORD,
    "Br@ker-pw-q81",
    LIMITS_PASSWORD,
    SMTP_PASSWORD,
    USER_PASSWORD,
]
pytestmark = pytest.mark.postgres


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def leaks(output: str) -> list[str]:
    return [secret for secret in SECRETS if secret in output]


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Settings with a password in every URL, on a PostgreSQL schema of this test's own."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = PG_URL.replace("postgres@", f"postgres:{DB_PASSWORD}@", 1)
    assert DB_PASSWORD in url, "the test's PostgreSQL URL has the form user@host"
    values = {k: v for k, v in os.environ.items() if not k.startswith("HONORFLOW_")}
    values.update(
        HONORFLOW_DATABASE_URL=f"{url}?options=-csearch_path%3D{schema}",
        HONORFLOW_BROKER_URL=f"redis://default:{BROKER_PASSWORD}@127.0.0.1:6379/{redis_db()}",
        HONORFLOW_RATE_LIMIT_STORAGE=f"redis://default:{LIMITS_PASSWORD}@127.0.0.1:6379/0",
        HONORFLOW_SMTP_HOST="127.0.0.1",
        HONORFLOW_SMTP_PORT=str(free_port()),
        HONORFLOW_SMTP_USERNAME="office",
        HONORFLOW_SMTP_PASSWORD=SMTP_PASSWORD,
        HONORFLOW_TASK_QUEUE=f"hf-test-{uuid.uuid4().hex[:12]}",
        HONORFLOW_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT),
    )
    (tmp_path / "data").mkdir()
    yield values
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class Running:
    """A long-running command, its output in a file, stopped with SIGTERM."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "cli.main", *args],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> str:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        return self.text()


def test_commands_print_no_password(env: dict[str, str], tmp_path: Path) -> None:
    shown: dict[str, str] = {}
    upgraded = run(env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    shown["db upgrade"] = upgraded.stdout + upgraded.stderr
    made = run(env, "user", "create", "--username", "ops", "--name", "运维", "--role", "admin",
               "--password-stdin", stdin=USER_PASSWORD + "\n")  # fmt: skip
    assert made.returncode == 0, made.stderr
    shown["user create (stdin)"] = made.stdout + made.stderr
    secret_file = tmp_path / "password.txt"
    secret_file.write_text(USER_PASSWORD + "\n", encoding="utf-8")
    filed = run(env, "user", "create", "--username", "ops2", "--name", "运维二", "--role",
                "admin", "--password-file", str(secret_file))  # fmt: skip
    assert filed.returncode == 0, filed.stderr
    shown["user create (file)"] = filed.stdout + filed.stderr
    shown |= served(env, tmp_path)
    assert {name: leaks(output) for name, output in shown.items() if leaks(output)} == {}
    assert "***" in shown["web"], "the start-up line shows the database, masked"


def served(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """Start web, a worker and the beat; ask web for health; stop them; their logs."""
    port = free_port()
    web = Running(env, tmp_path / "web.log", "web", "--port", str(port))
    worker = Running(env, tmp_path / "worker.log", "worker", "-n", "secrets@%h")
    beat = Running(env, tmp_path / "beat.log", "beat")
    try:
        wait_until(lambda: _answers(port), 60, "the web app to answer")
        assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200
        wait_until(lambda: " ready." in worker.text(), 60, "the worker to be ready")
        wait_until(lambda: "beat: Starting" in beat.text() or beat.proc.poll(), 30, "the beat")
    finally:
        logs = {"web": web.stop(), "worker": worker.stop(), "beat": beat.stop()}
    assert "redis://default:**@" in logs["worker"] or "***" in logs["worker"], logs["worker"]
    return logs


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_failures_against_closed_ports_print_no_password(
    env: dict[str, str], tmp_path: Path
) -> None:
    closed = free_port()
    broken = dict(env)
    broken["HONORFLOW_DATABASE_URL"] = (
        f"postgresql+psycopg://postgres:{DB_PASSWORD}@127.0.0.1:{closed}/postgres"
    )
    failed = run(broken, "db", "upgrade")
    assert failed.returncode != 0
    assert leaks(failed.stdout + failed.stderr) == []
    assert run(env, "db", "upgrade").returncode == 0
    no_broker = dict(env)
    no_broker["HONORFLOW_BROKER_URL"] = f"redis://default:{BROKER_PASSWORD}@127.0.0.1:{closed}/0"
    worker = Running(no_broker, tmp_path / "worker.log", "worker", "-n", "nobroker@%h")
    port = free_port()
    web = Running(no_broker, tmp_path / "web.log", "web", "--port", str(port))
    try:
        wait_until(lambda: _answers(port), 60, "the web app to answer")
        unready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
        assert unready.status_code == 503
        assert leaks(unready.text) == []
        wait_until(lambda: "Cannot connect" in worker.text(), 60, "the worker's complaint")
        time.sleep(0.5)
    finally:
        logs = worker.stop() + web.stop()
    assert leaks(logs) == [], logs
