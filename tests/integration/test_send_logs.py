"""Every send attempt is logged with its outbox id, kind and recipient domain (never the whole
address); a retry or a failure at WARNING with its error — through a real SMTP server."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config import logs
from models import OutboxMessage
from models.uow import UnitOfWork
from tests.conftest import T0
from tests.integration.sweep_steps import in_qualification
from tests.integration.test_relay import send, smtp
from tests.smtp_server import RecordingSMTPServer

__all__ = ["smtp"]  # the fixture, imported for pytest


def _records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if hasattr(r, "outbox_id")]


def _message(sf: sessionmaker[Session]) -> OutboxMessage:
    with UnitOfWork(sf, write=False) as uow:
        row = uow.session.scalars(select(OutboxMessage)).one()
        uow.session.expunge(row)
        return row


def test_a_failed_send_is_a_warning_with_its_error_and_outbox_id(
    sqlite_sf: sessionmaker[Session], smtp: RecordingSMTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    in_qualification(sqlite_sf)  # one task_assigned message to the department's mailbox
    message = _message(sqlite_sf)
    domain = message.recipient.rpartition("@")[2]
    smtp.fail_next(451)
    with caplog.at_level(logging.INFO, logger="notifications.relay"):
        assert send(sqlite_sf, smtp, T0) == {"retry": 1}
    [retry] = _records(caplog)
    assert retry.levelno == logging.WARNING
    fields = {k: retry.__dict__[k] for k in ("outbox_id", "kind", "domain", "outcome")}
    assert fields == {"outbox_id": message.id, "kind": message.kind, "domain": domain,
                      "outcome": "retry"}  # fmt: skip
    assert "451" in retry.__dict__["error"] and "451" in retry.getMessage()
    assert message.recipient not in retry.getMessage()  # the domain only

    caplog.clear()
    smtp.fail_next(550)
    with caplog.at_level(logging.INFO, logger="notifications.relay"):
        assert send(sqlite_sf, smtp, T0.replace(year=T0.year + 1)) == {"failed": 1}
    [failed] = _records(caplog)
    assert (failed.levelno, failed.__dict__["outcome"]) == (logging.WARNING, "failed")
    assert "550" in failed.__dict__["error"] and _message(sqlite_sf).status == "failed"
    line = json.loads(logs.JsonFormatter().format(failed))
    assert line["level"] == "WARNING" and line["outbox_id"] == message.id
    assert line["domain"] == domain and "550" in line["error"]
    assert message.recipient not in json.dumps(line, ensure_ascii=False)


def test_a_sent_message_is_logged_at_info(
    sqlite_sf: sessionmaker[Session], smtp: RecordingSMTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    in_qualification(sqlite_sf)
    with caplog.at_level(logging.INFO, logger="notifications.relay"):
        assert send(sqlite_sf, smtp, T0) == {"sent": 1}
    [sent] = _records(caplog)
    assert (sent.levelno, sent.__dict__["outcome"]) == (logging.INFO, "sent")
    plain = logs.PlainFormatter().format(sent)
    assert f"outbox_id={_message(sqlite_sf).id}" in plain and "outcome=sent" in plain
