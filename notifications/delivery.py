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
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, or_, select, update

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
    claimed = claim_batch(uow, [message_id], now)
    return claimed[0] if claimed else None


def claim_batch(uow: UnitOfWork, message_ids: list[int], now: datetime) -> list[Claimed]:
    """Take the messages of a batch that are still claimable, in one committed statement;
    the others (taken or settled by another sender meanwhile) are left alone."""
    rows = uow.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), _claimable(now))
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
    ).all()
    uow.commit()
    return sorted((Claimed(*row) for row in rows), key=lambda c: c.id)


_OUTBOX = cast(Table, OutboxMessage.__table__)

# A settlement: the message and the columns its result sets.
Settlement = tuple[int, dict[str, Any]]


def settle(uow: UnitOfWork, settlements: list[Settlement]) -> int:
    """Record senders' results, each only while its message is still in `sending`, with one
    statement per kind of result (executemany), committed together; returns how many held."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for message_id, values in settlements:
        columns = tuple(sorted(values))
        # Bound names differ from the columns': SQLAlchemy reserves those for itself.
        row = {"message_id": message_id} | {f"new_{c}": v for c, v in values.items()}
        groups.setdefault(columns, []).append(row)
    settled = 0
    for columns, rows in groups.items():
        # The Core table, not the entity: an ORM UPDATE with many rows is a bulk update by
        # primary key, which cannot carry the `status = sending` condition.
        statement = (
            update(_OUTBOX)
            .where(_OUTBOX.c.id == bindparam("message_id"), _OUTBOX.c.status == SENDING)
            .values(claimed_until=None, **{c: bindparam(f"new_{c}") for c in columns})
        )
        # One row is executed alone so that its rowcount says whether it held.
        result = uow.session.execute(statement, rows[0] if len(rows) == 1 else rows)
        settled += result.rowcount if len(rows) == 1 else len(rows)  # type: ignore[attr-defined]
    uow.commit()
    return settled


def sent(now: datetime, subject: str) -> dict[str, Any]:
    """The server accepted the message."""
    shown = subject[:SUBJECT_CHARS]  # the column's width: a long subject must not fail the settle
    return {"status": SENT, "sent_at": now, "subject": shown, "last_error": None}


def digested(now: datetime) -> dict[str, Any]:
    """The reviewer's daily digest carries this message instead."""
    return {"status": DIGESTED, "sent_at": now}


def transient(now: datetime, attempts: int, error: str) -> dict[str, Any]:
    """A 4xx or a lost connection: try again later, or give up after MAX_ATTEMPTS."""
    if attempts >= MAX_ATTEMPTS:
        return failed(str(msg("mail.send.gave_up", attempts=attempts, error=error)))
    delay = min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_CAP)
    return {"status": PENDING, "next_attempt_at": now + delay, "last_error": error}


def failed(error: str) -> dict[str, Any]:
    """A 5xx or a message that cannot be built: an administrator must look at it."""
    return {"status": FAILED, "last_error": error}


def mark_sent(uow: UnitOfWork, message_id: int, now: datetime, subject: str) -> bool:
    return settle(uow, [(message_id, sent(now, subject))]) == 1


def mark_digested(uow: UnitOfWork, message_id: int, now: datetime) -> bool:
    return settle(uow, [(message_id, digested(now))]) == 1


def mark_transient(
    uow: UnitOfWork, message_id: int, now: datetime, attempts: int, error: str
) -> bool:
    return settle(uow, [(message_id, transient(now, attempts, error))]) == 1


def mark_failed(uow: UnitOfWork, message_id: int, error: str) -> bool:
    return settle(uow, [(message_id, failed(error))]) == 1
