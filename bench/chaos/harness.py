"""What every chaos run shares: its stack, an SMTP server that can be slowed and can refuse
recipients, outbox messages, counting deliveries by Message-ID, and the results file.

The stack is the worker tests' (`tests/integration/worker_fixtures.py`): a real Celery worker
in a subprocess on a real Redis, a real database (SQLite file or PostgreSQL schema) and an
aiosmtpd server on loopback; the chaos runs and their small versions in the test suite run
the same code.
"""

from __future__ import annotations

import contextlib
import os
import shelve
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import func, select

from models import OutboxMessage
from models.uow import UnitOfWork
from notifications import outbox
from notifications.contexts import TaskAssigned
from tests.integration.worker_fixtures import (
    CELERY,
    ROOT,
    Stack,
    _postgresql,
    _sqlite,
    wait_until,
)
from tests.integration.worker_reading import mid, rows
from tests.smtp_server import RecordingSMTPServer

RESULTS = ROOT / "bench" / "results" / "chaos.txt"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
TASK = {"task_id": 1, "stage": "资格初审", "department": "工作专班", "due_at": "2026-03-16 17:00"}


class ChaosSMTPServer(RecordingSMTPServer):
    """The recording server, which also knows how many MAIL commands are being answered now
    and refuses the recipients it is told to (a relay's permanent 5xx)."""

    def __init__(self) -> None:
        super().__init__()
        self.in_mail = 0
        self.refused: set[str] = set()

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        with self._lock:
            self.in_mail += 1
        try:
            return await super().handle_MAIL(server, session, envelope, address, options)
        finally:
            with self._lock:
                self.in_mail -= 1

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refused:
            return "554 5.7.1 recipient refused by policy"
        return await super().handle_RCPT(server, session, envelope, address, options)


@contextlib.contextmanager
def chaos_stack(db: str, tmp: Path, broker_url: str) -> Iterator[Stack]:
    """A database, a ChaosSMTPServer and a queue of their own on `broker_url`."""
    url, engine, drop = _sqlite(tmp) if db == "sqlite" else _postgresql()
    smtp = ChaosSMTPServer().start()
    stack = Stack(db, url, engine, smtp, tmp, broker_url)
    try:
        yield stack
    finally:
        stack.close()
        smtp.stop()
        drop()


def smtp_of(stack: Stack) -> ChaosSMTPServer:
    """The stack's SMTP server, which chaos_stack made a ChaosSMTPServer."""
    assert isinstance(stack.smtp, ChaosSMTPServer)
    return stack.smtp


def queue_messages(
    stack: Stack,
    count: int,
    names: dict[int, str] | None = None,
    recipients: dict[int, str] | None = None,
    first: int = 0,
) -> list[int]:
    """`count` task_assigned messages (nominee and recipient overridable by index); the ids
    of the new rows."""
    names, recipients = names or {}, recipients or {}
    with UnitOfWork(stack.sf) as uow:
        before = uow.session.scalar(select(func.max(OutboxMessage.id))) or 0
    with UnitOfWork(stack.sf) as uow:
        for i in range(first, first + count):
            outbox.queue_message(
                uow,
                key=f"chaos:{i}",
                kind="task_assigned",
                recipient=recipients.get(i, f"reviewer{i}@example.org"),
                now=T0,
                context=TaskAssigned(**TASK, nominee=names.get(i, f"提名人{i}")),  # type: ignore[arg-type]
            )
        uow.commit()
    with UnitOfWork(stack.sf) as uow:
        query = select(OutboxMessage.id).where(OutboxMessage.id > before)
        return list(uow.session.scalars(query.order_by(OutboxMessage.id)))


@dataclass
class Tally:
    """What arrived at the SMTP server against the outbox: by Message-ID, once each?"""

    expected: int
    delivered: int
    distinct: int
    duplicates: int
    lost: int
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def exactly_once(self) -> bool:
        return self.duplicates == 0 and self.lost == 0 and self.distinct == self.expected


def tally(stack: Stack, expected_ids: set[str] | None = None) -> Tally:
    """Count the server's messages by Message-ID against the outbox rows meant to arrive
    (every row not failed, unless `expected_ids` names them)."""
    outbox_rows = rows(stack.sf)
    if expected_ids is None:
        expected_ids = {_message_id(r) for r in outbox_rows if r.status != "failed"}
    counts = Counter(mid(m) for m in stack.smtp.messages)
    return Tally(
        expected=len(expected_ids),
        delivered=sum(counts.values()),
        distinct=len(set(counts) & expected_ids),
        duplicates=sum(n - 1 for n in counts.values() if n > 1) + len(set(counts) - expected_ids),
        lost=len(expected_ids - set(counts)),
        statuses=Counter(r.status for r in outbox_rows),
    )


def _message_id(row: OutboxMessage) -> str:
    from notifications.compose import message_id_for

    return f"<{message_id_for(row.idempotency_key, 'example.org')}>"


def wait_for_statuses(stack: Stack, done: set[str], timeout: float) -> None:
    """Wait until no outbox row is outside `done` (e.g. all sent or failed)."""
    wait_until(
        lambda: {r.status for r in rows(stack.sf)} <= done, timeout, f"every message {done}", 0.2
    )


def after_lease() -> str:
    """A moment after every lease taken now has run out (the relay's view of 'later')."""
    from notifications.delivery import LEASE

    return (datetime.now(UTC) + LEASE + timedelta(minutes=1)).isoformat()


# --- the beat -----------------------------------------------------------------------------------


class Beat:
    """`celery -A tasks.app beat` in a process group of its own; its schedule file persists."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = stack.tmp / "beat.log"
        self.schedule = Path(stack.env["HONORFLOW_DATA_DIR"]) / "celerybeat-schedule"

    def start(self) -> Beat:
        self.schedule.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [*CELERY, "-A", "tasks.app", "beat", "--loglevel=INFO"],
                env=self.stack.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        wait_until(lambda: "beat: Starting" in self.text(), 30, "the beat to start")
        # Its schedule is opened (and written at its stop) once the scheduler is set up.
        folder = self.schedule.parent
        wait_until(lambda: any(folder.glob(f"{self.schedule.name}*")), 30, "the schedule file")
        time.sleep(1.0)
        return self

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def sent(self, task: str) -> int:
        """How many times the beat has sent `task` (its log says so at each tick)."""
        return sum(
            1
            for line in self.text().splitlines()
            if "Sending due task" in line and f"({task})" in line
        )

    def stop(self) -> None:
        """SIGTERM: the beat writes its schedule (last run times) and exits."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(timeout=10)

    def rewind(self, downtime: timedelta) -> None:
        """Make the stored schedule say the beat last ran `downtime` ago: a beat that was down
        that long finds its every-minute entries overdue when it starts again."""
        with shelve.open(str(self.schedule), writeback=False) as store:
            entries = store["entries"]
            for entry in entries.values():
                entry.last_run_at = entry.last_run_at - downtime
            store["entries"] = entries


# --- the results file ---------------------------------------------------------------------------


def record(name: str, figures: dict[str, object], ok: bool, elapsed: float) -> str:
    """Print a run's figures and append them to bench/results/chaos.txt; returns the text."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = " ".join([Path(sys.executable).name, *sys.argv])
    lines = [
        f"== {name}  {stamp}  load {load}  {'OK' if ok else 'FAILED'}  {elapsed:.1f} s",
        f"   command: {command}",
        *(f"   {key}: {value}" for key, value in figures.items()),
    ]
    text = "\n".join(lines)
    print(text, flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(text + "\n\n")
    return text


def since(start: float) -> float:
    return time.monotonic() - start
