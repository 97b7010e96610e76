"""`honorflow deadlines`, `outbox`, `worker`, `beat` and `up` on the embedded default: a SQLite
file, no SMTP server (messages become .eml files in HONORFLOW_DATA_DIR/mail) and, for `up`, the
broker in files. `up` and the command publishing beside it are real processes; the other
commands run in this process as a fresh one would (tests/cli_runner.py)."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from models.db import make_engine, make_session_factory
from tests import cli_runner
from tests.conftest import make_campaign
from tests.integration.flow import add, fire
from tests.integration.test_cli import Honorflow, hf
from tests.integration.worker_fixtures import wait_until
from tests.integration.worker_reading import in_qualification as flow_in_qualification
from tests.smtp_server import RecordingSMTPServer

__all__ = ["hf"]  # the fixture, imported for pytest

SENDER = ("劳模评选工作办公室", "laomo@example.org")


def emls(hf: Honorflow) -> list[EmailMessage]:
    folder = Path(hf.env["HONORFLOW_DATA_DIR"]) / "mail"
    files = sorted(folder.glob("*.eml")) if folder.is_dir() else []
    return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]


def check_eml(message: EmailMessage) -> None:
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    sender = message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == SENDER
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(message["Subject"]))


def in_qualification(hf: Honorflow, count: int = 2) -> list[int]:
    """A migrated database (as `db upgrade` makes it) with nominations whose qualification
    review began at T0; set up directly, not through the commands under test."""
    hf.run("db", "upgrade")
    engine = make_engine(hf.env["HONORFLOW_DATABASE_URL"])
    try:
        sf = make_session_factory(engine)
        campaign_id = make_campaign(sf)
        return [flow_in_qualification(sf, campaign_id, f"张{i}") for i in range(count)]
    finally:
        engine.dispose()


def deadlines(hf: Honorflow, kind: str) -> list[tuple[int, str, str]]:
    with sqlite3.connect(hf.db) as conn:
        return conn.execute(
            "SELECT id, due_at, status FROM deadlines WHERE kind = ? ORDER BY id", (kind,)
        ).fetchall()


def test_sweep_then_send_writes_eml_files(hf: Honorflow, tmp_path: Path) -> None:
    ids = in_qualification(hf)
    reminders = deadlines(hf, "reminder:3")
    assert len(reminders) == len(ids) and {s for _, _, s in reminders} == {"pending"}
    due = max(datetime.fromisoformat(d) for _, d, _ in reminders)
    before = (due - timedelta(seconds=1)).isoformat() + "+00:00"
    at = due.isoformat() + "+00:00"

    assert hf.json("deadlines", "sweep", "--now", before)["fired"] == 0
    swept = hf.json("deadlines", "sweep", "--now", at)
    assert swept == {
        "fired": len(ids),
        "errors": 0,
        "failed": 0,
        "summaries": 0,  # reminders go to reviewers: no office summary
        "kinds": {"reminder": len(ids)},
    }
    assert hf.json("deadlines", "sweep", "--now", at)["fired"] == 0
    assert {s for _, _, s in deadlines(hf, "reminder:3")} == {"fired"}
    assert {s for _, _, s in deadlines(hf, "reminder:1")} == {"pending"}
    refused = hf.run("deadlines", "sweep", "--now", "yesterday", ok=False)
    assert refused.returncode != 0 and "--now" in refused.stderr  # a time without a zone is
    # Beijing time (tests/integration/test_cli_dates.py); what is no time names the option

    pending = hf.json("outbox", "list", "--status", "pending")
    kinds = sorted(m["kind"] for m in pending)
    assert kinds == ["reminder"] * len(ids) + ["task_assigned"] * len(ids)
    assert emls(hf) == []
    assert hf.json("outbox", "send") == {"sent": 2 * len(ids)}
    written = emls(hf)
    assert len(written) == 2 * len(ids)
    for message in written:
        check_eml(message)
    subjects = sorted(str(m["Subject"]) for m in written)
    assert sum("还剩3个工作日" in s for s in subjects) == len(ids)
    assert hf.json("outbox", "list", "--status", "pending") == []
    assert len(hf.json("outbox", "list", "--status", "sent")) == 2 * len(ids)
    assert hf.json("outbox", "send") == {}  # nothing twice
    assert len(emls(hf)) == 2 * len(ids)


def test_failed_messages_listed_retried_and_sent(hf: Honorflow, tmp_path: Path) -> None:
    in_qualification(hf, count=3)
    # One send through an SMTP server that refuses everything with 550 …
    with RecordingSMTPServer() as server:
        server.fail_next(550, times=3)
        smtp_env = {"HONORFLOW_SMTP_HOST": "127.0.0.1", "HONORFLOW_SMTP_PORT": str(server.port)}
        refused = cli_runner.invoke(("--json", "outbox", "send"), {**hf.env, **smtp_env}, hf.cwd)
    assert refused.returncode == 0, refused.stderr
    assert '"failed": 3' in refused.stdout
    failed = hf.json("outbox", "list", "--status", "failed")
    assert len(failed) == 3 and all("550" in m["last_error"] for m in failed)
    assert all(m["attempts"] == 1 for m in failed)
    text = hf.run("outbox", "list", "--status", "failed").stdout
    assert "550" in text and "发送失败" in text
    # … the failed stay failed, until an administrator queues them again.
    assert hf.json("outbox", "send") == {}
    first = failed[-1]["id"]
    assert hf.json("outbox", "retry", str(first)) == {"id": first, "status": "pending"}
    again = hf.run("outbox", "retry", str(first), ok=False)
    assert again.returncode != 0 and "只能重发发送失败的邮件" in again.stderr
    not_admin = hf.run("outbox", "retry-failed", "--as", "team_reviewer:working_team", ok=False)
    assert not_admin.returncode != 0
    assert hf.json("outbox", "send") == {"sent": 1}
    assert len(emls(hf)) == 1
    assert hf.json("outbox", "retry-failed") == {"queued": 2}
    assert hf.json("outbox", "send") == {"sent": 2}
    assert len(emls(hf)) == 3
    assert {m["status"] for m in hf.json("outbox", "list")} == {"sent"}


def test_worker_beat_and_up_have_help(hf: Honorflow) -> None:
    for command, words in (
        ("worker", "--concurrency"),
        ("beat", "scheduler"),
        ("up", "Worker and beat in one process"),
    ):
        shown = hf.run(command, "--help")
        assert words in shown.stdout, (command, shown.stdout)


def test_up_sends_what_a_command_publishes(hf: Honorflow, tmp_path: Path) -> None:
    """`honorflow up` (worker + beat, the broker in files, SQLite) sends a new message to .eml."""
    hf.run("db", "upgrade")
    engine = make_engine(hf.env["HONORFLOW_DATABASE_URL"])
    try:
        sf = make_session_factory(engine)
        nomination = add(sf, make_campaign(sf))
        fire(sf, nomination, "submit")
    finally:
        engine.dispose()
    # From here on the broker folder exists: every command beside `up` is a process of its
    # own (its Celery app made from its own settings), as an operator runs them.
    hf.process = True
    log = (tmp_path / "up.log").open("wb")
    up = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "up", "--loglevel", "info"],
        env=hf.env,
        cwd=hf.cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        queue = Path(hf.env["HONORFLOW_DATA_DIR"]) / "broker" / "queue"
        wait_until(
            lambda: " ready." in (tmp_path / "up.log").read_text(errors="replace"),
            90,  # three processes start (up, its worker and its beat), on a busy machine too
            "honorflow up to be ready",
        )
        assert queue.is_dir()
        # A command run beside `up` publishes what it queued into the broker folder.
        hf.run("act", str(nomination), "begin_review", "--as", "team_reviewer:working_team")
        [message] = wait_until(lambda: emls(hf), 30, "the .eml file")
        check_eml(message)
        assert "<task_assigned." in str(message["Message-ID"])
        wait_until(
            lambda: [m["status"] for m in hf.json("outbox", "list")] == ["sent"],
            10,
            "the message recorded as sent",
        )
    finally:
        if up.poll() is None:
            os.killpg(up.pid, signal.SIGTERM)
            try:
                up.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(up.pid, signal.SIGKILL)
                up.wait(timeout=10)
        log.close()
    assert up.returncode is not None
    assert "Traceback" not in (tmp_path / "up.log").read_text(errors="replace")
