"""Shared steps of the worker tests: reading the outbox, deadlines and audit, checking mail."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Deadline, OutboxMessage
from models.uow import UnitOfWork
from notifications.compose import message_id_for
from tests.integration.flow import TEAM, add, complete, fire, open_tasks
from tests.integration.worker_fixtures import Stack

SECOND = timedelta(seconds=1)
SENDER = ("劳模评选工作办公室", "laomo@example.org")
FAR_FUTURE = datetime(2027, 6, 1, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat()


# --- reading what happened ----------------------------------------------------------------------


def rows(sf: sessionmaker[Session]) -> list[OutboxMessage]:
    with UnitOfWork(sf) as uow:
        found = list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        uow.session.expunge_all()
        return found


def deadline(sf: sessionmaker[Session], nomination_id: int, kind: str) -> Deadline:
    with UnitOfWork(sf) as uow:
        row = uow.session.scalars(
            select(Deadline)
            .where(Deadline.nomination_id == nomination_id, Deadline.kind == kind)
            .order_by(Deadline.id)
        ).one()
        uow.session.expunge_all()
        return row


def audit_events(sf: sessionmaker[Session], trigger: str) -> list[AuditEvent]:
    with UnitOfWork(sf) as uow:
        found = list(
            uow.session.scalars(
                select(AuditEvent).where(AuditEvent.trigger == trigger).order_by(AuditEvent.seq)
            )
        )
        uow.session.expunge_all()
        return found


def mid(message: EmailMessage) -> str:
    """The Message-ID as sent; a long one is folded onto a continuation line (RFC 5322 allows
    it), which Python's parser hands back with the folding space in front."""
    return str(message["Message-ID"]).strip()


def check_message(message: EmailMessage, raw: bytes, row: OutboxMessage) -> None:
    """Multipart text + HTML, the Chinese subject and sender name encoded, the stable id."""
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert mid(message) == f"<{message_id_for(row.idempotency_key, 'example.org')}>"
    sender = message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == SENDER
    assert message["To"].addresses[0].addr_spec == row.recipient
    assert row.subject and message["Subject"] == row.subject
    assert any("\u4e00" <= ch <= "\u9fff" for ch in row.subject), row.subject
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert headers.isascii() and b"=?utf-8?" in headers.lower()  # encoded words, not raw UTF-8
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None and "<" in html.get_content()


def delivered(stack: Stack) -> dict[str, EmailMessage]:
    """The SMTP server's messages by Message-ID, each checked against its outbox row,
    and each delivered exactly once."""
    messages = stack.smtp.messages
    counts = Counter(mid(m) for m in messages)
    assert all(n == 1 for n in counts.values()), f"delivered more than once: {counts}"
    by_id = {f"<{message_id_for(r.idempotency_key, 'example.org')}>": r for r in rows(stack.sf)}
    raw = [r.content for r in stack.smtp.received]
    for message, content in zip(messages, raw, strict=True):
        check_message(message, content, by_id[mid(message)])
    return {mid(m): m for m in messages}


def all_sent_once(stack: Stack) -> list[OutboxMessage]:
    """Every outbox row is sent (or carried by a summary that was), and the server holds
    exactly those messages, once each."""
    outbox = [r for r in rows(stack.sf) if r.status != "digested"]
    assert {r.status for r in outbox} == {"sent"}, [(r.id, r.status, r.last_error) for r in outbox]
    got = delivered(stack)
    assert len(got) == len(outbox)
    # A relay long after everything finds nothing left to send.
    assert stack.run("relay_outbox", now=iso(FAR_FUTURE)) == {}
    assert len(stack.smtp.received) == len(outbox)
    return outbox


def flush(stack: Stack) -> int:
    """Send what setting up queued (assignments, returns) and wait until it has arrived."""
    pending = len([r for r in rows(stack.sf) if r.status == "pending"])
    before = len(stack.smtp.received)
    assert stack.run("relay_outbox").get("sent", 0) == pending
    stack.smtp.wait_for(before + pending)
    return before + pending


def new_rows(sf: sessionmaker[Session], after: int) -> list[OutboxMessage]:
    return [r for r in rows(sf) if r.id > after]


def last_id(sf: sessionmaker[Session]) -> int:
    return max((r.id for r in rows(sf)), default=0)


def in_qualification(sf: sessionmaker[Session], campaign_id: int, name: str) -> int:
    nomination = add(sf, campaign_id, name=name)
    fire(sf, nomination, "submit")
    fire(sf, nomination, "begin_review")
    return nomination


def returned(sf: sessionmaker[Session], campaign_id: int, name: str) -> int:
    nomination = in_qualification(sf, campaign_id, name)
    [task] = open_tasks(sf, nomination)
    complete(sf, task.id, "return", TEAM, opinion="缺少事迹材料")
    return nomination
