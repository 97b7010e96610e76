"""The relay claims and settles messages a batch at a time, and never sends on a lease that is
about to run out."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from models import OutboxMessage, db
from models.db import make_engine, make_session_factory
from models.scheduling import SENDING, SENT
from models.uow import UnitOfWork
from notifications import delivery, relay
from notifications.contexts import TaskAssigned
from notifications.outbox import queue_message
from notifications.transport import EmlFolderTransport, SmtpTransport
from tests.conftest import T0
from tests.databases import fresh_sqlite
from tests.smtp_server import RecordingSMTPServer


@pytest.fixture
def smtp() -> Iterator[RecordingSMTPServer]:
    with RecordingSMTPServer() as server:
        yield server


DUE = "2026-03-09T01:00:00+00:00"


def queue(sf: sessionmaker[Session], count: int) -> None:
    with UnitOfWork(sf) as uow:
        for i in range(count):
            queue_message(
                uow,
                key=f"batch-test:{i}",
                kind="task_assigned",
                recipient=f"r{i}@example.org",
                now=T0,
                context=TaskAssigned(i + 1, "资格初审", f"候选人{i}", "省总工会", DUE),
            )
        uow.commit()


def run_relay(
    sf: sessionmaker[Session], server: RecordingSMTPServer, clock: relay.Clock
) -> Counter[str]:
    settings = Settings(smtp_host="127.0.0.1", smtp_port=server.port)
    transport = SmtpTransport("127.0.0.1", server.port)
    return relay.relay(lambda: UnitOfWork(sf), transport, clock, settings)


def outbox_writes(engine: Engine) -> list[str]:
    """Collects the UPDATE statements run against the outbox (executemany counts once)."""
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("UPDATE OUTBOX_MESSAGES"):
            seen.append(statement)

    return seen


def test_sixty_messages_take_two_writes_per_batch(
    engine: Engine, sf: sessionmaker[Session], smtp: RecordingSMTPServer
) -> None:
    queue(sf, 60)
    writes = outbox_writes(engine)
    assert run_relay(sf, smtp, lambda: T0) == Counter({"sent": 60})
    batches = -(-60 // relay.BATCH)
    assert len(writes) == 2 * batches  # one claim and one settlement per batch
    assert len(smtp.messages) == 60
    with UnitOfWork(sf) as uow:
        rows = uow.session.execute(select(OutboxMessage.status, OutboxMessage.subject)).all()
    assert {status for status, _ in rows} == {SENT}
    assert all(subject for _, subject in rows)


def test_a_lease_about_to_run_out_is_not_sent_on(
    sf: sessionmaker[Session], smtp: RecordingSMTPServer
) -> None:
    queue(sf, 2)
    # Claimed at T0; by the time the relay would send, the lease has less than the margin.
    times = iter([T0, T0, T0 + delivery.LEASE - relay.LEASE_MARGIN + timedelta(seconds=1)])

    def clock() -> datetime:
        return next(times, T0 + delivery.LEASE)

    assert run_relay(sf, smtp, clock) == Counter({"not due": 2})
    assert smtp.messages == []
    with UnitOfWork(sf) as uow:  # left claimed: whoever takes them over after the lease sends
        assert set(uow.session.scalars(select(OutboxMessage.status))) == {SENDING}
    later = T0 + delivery.LEASE + timedelta(seconds=1)
    assert run_relay(sf, smtp, lambda: later) == Counter({"sent": 2})
    assert len(smtp.messages) == 2


def test_a_batch_settles_only_what_is_still_being_sent(sf: sessionmaker[Session]) -> None:
    queue(sf, 3)
    with UnitOfWork(sf) as uow:
        ids = list(uow.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))
    with UnitOfWork(sf) as uow:
        assert [c.id for c in delivery.claim_batch(uow, ids, T0)] == ids
    with UnitOfWork(sf) as uow:  # another sender's result for the first, already recorded
        assert delivery.mark_sent(uow, ids[0], T0, "first") is True
    with UnitOfWork(sf) as uow:
        settled = delivery.settle(
            uow,
            [
                (ids[1], delivery.sent(T0, "second")),
                (ids[2], delivery.failed("550 no such user")),
            ],
        )
    assert settled == 2
    with UnitOfWork(sf) as uow:
        assert delivery.mark_sent(uow, ids[0], T0, "late") is False  # not written over
        rows = {
            r.id: (r.status, r.subject, r.last_error)
            for r in uow.session.scalars(select(OutboxMessage))
        }
    assert rows == {
        ids[0]: (SENT, "first", None),
        ids[1]: (SENT, "second", None),
        ids[2]: ("failed", None, "550 no such user"),
    }


class LockingAfterSending(EmlFolderTransport):
    """Writes the files, then has another writer hold SQLite's write lock for `hold` seconds
    (from a thread), as a busy round does while the relay would record its batch."""

    def __init__(self, folder: Path, database: Path, hold: float) -> None:
        super().__init__(folder)
        self.database, self.hold = database, hold
        self.holder: threading.Thread | None = None

    def send(self, message: EmailMessage) -> None:
        super().send(message)
        if self.holder is None:
            taken = threading.Event()
            self.holder = threading.Thread(target=self._hold, args=(taken,))
            self.holder.start()
            taken.wait()

    def _hold(self, taken: threading.Event) -> None:
        other = sqlite3.connect(self.database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(self.hold)
        other.execute("COMMIT")
        other.close()


def test_a_batch_sent_while_the_database_is_busy_is_recorded_when_it_frees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One short attempt at the lock per settle, so the relay meets DatabaseBusy at once.
    monkeypatch.setattr(db, "BEGIN_ATTEMPTS", 1)
    database = tmp_path / "test.sqlite3"
    fresh_sqlite(tmp_path).dispose()
    engine = make_engine(f"sqlite:///{database}", connect_args={"timeout": 0.05})
    sf = make_session_factory(engine)
    queue(sf, 3)
    transport = LockingAfterSending(tmp_path / "mail", database, hold=1.0)
    results = relay.relay(lambda: UnitOfWork(sf), transport, lambda: T0, Settings())
    assert transport.holder is not None
    transport.holder.join()
    # Recorded once the lock was free, not left claimed to be sent again when the lease ends.
    assert results == Counter({"sent": 3})
    with UnitOfWork(sf) as uow:
        assert set(uow.session.scalars(select(OutboxMessage.status))) == {SENT}
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 3
    engine.dispose()
