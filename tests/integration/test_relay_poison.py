"""A message that cannot be composed or sent is parked as failed; the relay goes on."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import OutboxMessage
from models.uow import UnitOfWork
from notifications import outbox
from notifications.compose import header_text
from notifications.contexts import TaskAssigned
from notifications.relay import relay
from notifications.transport import SmtpTransport
from tests.conftest import T0
from tests.integration.test_relay import settings_for, statuses
from tests.smtp_server import RecordingSMTPServer

TASK = {
    "task_id": 1,
    "stage": "资格初审",
    "department": "工作专班",
    "due_at": "2026-03-16 17:00",
}


@pytest.fixture
def smtp() -> Iterator[RecordingSMTPServer]:
    with RecordingSMTPServer() as server:
        yield server


def queue(sf: sessionmaker[Session], names: list[str]) -> list[int]:
    """One task_assigned message per nominee name, in order; their outbox ids."""
    with UnitOfWork(sf) as uow:
        for i, name in enumerate(names):
            outbox.queue_message(
                uow,
                key=f"poison-test:{i}",
                kind="task_assigned",
                recipient=f"reviewer{i}@example.org",
                now=T0,
                context=TaskAssigned(**TASK, nominee=name),
            )
        uow.commit()
    with UnitOfWork(sf) as uow:
        return list(uow.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))


def run_relay(sf: sessionmaker[Session], smtp: RecordingSMTPServer) -> Counter[str]:
    transport = SmtpTransport("127.0.0.1", smtp.port)
    return relay(lambda: UnitOfWork(sf), transport, lambda: T0, settings_for(smtp))


def test_a_line_separator_in_a_name_is_cleaned_from_the_subject(
    sf: sessionmaker[Session], smtp: RecordingSMTPServer
) -> None:
    queue(sf, ["王\u2028伟", "李\u2029娜\r\n", "赵\x00\u202e强"])
    assert run_relay(sf, smtp) == Counter({"sent": 3})
    subjects = [m["Subject"] for m in smtp.messages]
    assert subjects == [
        "【待办】王 伟（资格初审）审核任务",
        "【待办】李 娜 （资格初审）审核任务",
        "【待办】赵强（资格初审）审核任务",
    ]
    assert statuses(sf) == Counter({"sent": 3})


def test_header_text_removes_every_line_separator_and_control() -> None:
    assert header_text("a\u2028b\u2029c\x85d\re\nf\x0bg\x0ch\x1ci") == "a b c d e f g h i"
    assert header_text("王\u200b\u202e伟\x7f") == "王伟"


def test_one_poison_message_among_23_does_not_stop_the_relay(
    sqlite_sf: sessionmaker[Session],
    smtp: RecordingSMTPServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A lone surrogate (possible in SQLite's JSON text) cannot be encoded into any message
    # body: no retry can send it. The U+2028 name is among the good ones.
    names = ["王\ud800伟", "王\u2028伟"] + [f"提名人{i}" for i in range(22)]
    poison = queue(sqlite_sf, names)[0]
    with caplog.at_level(logging.WARNING, logger="notifications.relay"):
        assert run_relay(sqlite_sf, smtp) == Counter({"sent": 23, "failed": 1})
    assert len(smtp.messages) == 23
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        f"reviewer{i}@example.org" for i in range(1, 24)
    )
    assert statuses(sqlite_sf) == Counter({"sent": 23, "failed": 1})  # nothing left `sending`
    with UnitOfWork(sqlite_sf) as uow:
        parked = uow.session.get_one(OutboxMessage, poison)
        assert parked.status == "failed"
        assert parked.last_error and "不再重试" in parked.last_error
        assert "UnicodeEncodeError" in parked.last_error
    assert any(
        r.getMessage().startswith(f"outbox message {poison} (") and " failed: " in r.getMessage()
        for r in caplog.records
    )
    assert run_relay(sqlite_sf, smtp) == Counter()  # parked: not tried again by the relay
