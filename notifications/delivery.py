"""One delivery of an outbox message: claim it with a lease, then settle the result.

A message moves pending -> sending -> sent | digested | failed (or back to pending with a
backoff after a transient failure). `sending` carries a lease (`claimed_until`): a second
sender may take a message over only after the lease runs out, so a redelivered task or a
second relay never sends what another sender is sending, and a sender killed mid-send
leaves a message that is sent again once its lease is over. Each step commits on its own:
no transaction stays open while the mail server is talked to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update

from config.catalogue import msg
from models import OutboxMessage
from models.scheduling import DIGESTED, FAILED, PENDING, SENDING, SENT
from models.uow import UnitOfWork

# How long a claim holds: longer than one SMTP conversation with its timeouts.
LEASE = timedelta(minutes=5)
# Transient failures are retried after 1, 2, 4 … minutes, capped, and give up after this many.
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 10
SUBJECT_CHARS = 300  # outbox_messages.subject


@dataclass(frozen=True)
class Claimed:
    """A message this sender now holds, with what it needs to render and send it."""

    id: int
    idempotency_key: str
    kind: str
    recipient: str
    campaign_id: int | None
    context: dict[str, Any]
    attempts: int


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Pending and due, or being sent by a sender whose lease has run out."""
    return or_(
        and_(
            OutboxMessage.status == PENDING,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        ),
        and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < now),
    )


def due_message_ids(uow: UnitOfWork, now: datetime, limit: int = 500) -> list[int]:
    """Ids of messages a relay may try now, oldest first."""
    query = select(OutboxMessage.id).where(_claimable(now)).order_by(OutboxMessage.id).limit(limit)
    return list(uow.session.scalars(query))


def claim(uow: UnitOfWork, message_id: int, now: datetime) -> Claimed | None:
    """Take one message for sending (compare-and-set, committed); None if it is not ours."""
    claimed = uow.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(status=SENDING, claimed_until=now + LEASE, attempts=OutboxMessage.attempts + 1)
        .returning(
            OutboxMessage.id,
            OutboxMessage.idempotency_key,
            OutboxMessage.kind,
            OutboxMessage.recipient,
            OutboxMessage.campaign_id,
            OutboxMessage.context,
            OutboxMessage.attempts,
        )
        .execution_options(synchronize_session=False)
    ).one_or_none()
    uow.commit()
    return Claimed(*claimed) if claimed is not None else None


def _settle(uow: UnitOfWork, message_id: int, **values: object) -> bool:
    """Record a sender's result, but only while the message is still in `sending`."""
    result = uow.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == SENDING)
        .values(claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    uow.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_sent(uow: UnitOfWork, message_id: int, now: datetime, subject: str) -> bool:
    """The server accepted the message."""
    shown = subject[:SUBJECT_CHARS]  # the column's width: a long subject must not fail the settle
    return _settle(uow, message_id, status=SENT, sent_at=now, subject=shown, last_error=None)


def mark_digested(uow: UnitOfWork, message_id: int, now: datetime) -> bool:
    """The reviewer's daily digest carries this message instead."""
    return _settle(uow, message_id, status=DIGESTED, sent_at=now)


def mark_transient(
    uow: UnitOfWork, message_id: int, now: datetime, attempts: int, error: str
) -> bool:
    """A 4xx or a lost connection: try again later, or give up after MAX_ATTEMPTS."""
    if attempts >= MAX_ATTEMPTS:
        gave_up = msg("mail.send.gave_up", attempts=attempts, error=error)
        return mark_failed(uow, message_id, str(gave_up))
    delay = min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_CAP)
    return _settle(uow, message_id, status=PENDING, next_attempt_at=now + delay, last_error=error)


def mark_failed(uow: UnitOfWork, message_id: int, error: str) -> bool:
    """A 5xx or a message that cannot be built: an administrator must look at it."""
    return _settle(uow, message_id, status=FAILED, last_error=error)
