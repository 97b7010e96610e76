"""The outbox table: writing messages in the transaction that causes them, listing, requeueing.

How the domain hands a message over: it calls `queue_message` with the unit of work of the
change that causes it and the kind's typed context (`notifications/contexts.py`). The row
is written in that transaction and its id collected on the unit of work, which hands the
ids to its `after_commit` publisher once — and only if — the change is committed. Nothing
here commits: the caller's use case does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select, update

from models import OutboxMessage, direct
from models.scheduling import FAILED, HELD, PENDING
from models.uow import UnitOfWork
from notifications.contexts import MessageContext, to_json

_OUTBOX = cast(Table, OutboxMessage.__table__)
# One row, or several in one statement with their ids in the order the rows were given
# (SQLAlchemy's "insertmanyvalues"; the ordering costs a single row for nothing).
_INSERT_MESSAGE = insert(_OUTBOX).returning(_OUTBOX.c.id)
_INSERT_MESSAGES = insert(_OUTBOX).returning(_OUTBOX.c.id, sort_by_parameter_order=True)


@dataclass(frozen=True)
class Outgoing:
    """One message to queue: its idempotency key, kind, recipient and typed context.

    Keys name what caused the message (a new task's id, a nomination's version), so a key
    repeats only when the same change is replayed; the unique constraint then refuses it
    and the whole transaction with it, which is what a replayed change deserves.
    """

    key: str
    kind: str
    recipient: str
    context: MessageContext
    campaign_id: int | None = None
    nomination_id: int | None = None
    held: bool = False  # kept for a summary, not sent


def queue_message(
    uow: UnitOfWork,
    *,
    key: str,
    kind: str,
    recipient: str,
    now: datetime,
    context: MessageContext,
    campaign_id: int | None = None,
    nomination_id: int | None = None,
    held: bool = False,
) -> None:
    """Queue one message under an idempotency key (`held`: kept for a summary, not sent)."""
    queue_messages(
        uow, [Outgoing(key, kind, recipient, context, campaign_id, nomination_id, held)], now
    )


def queue_messages(uow: UnitOfWork, messages: Sequence[Outgoing], now: datetime) -> None:
    """Queue messages in one statement (a change that writes to several departments at once)."""
    if not messages:
        return
    for message in messages:
        if message.context.kind != message.kind:
            kind = type(message.context).__name__
            raise ValueError(f"a {kind} context cannot be sent as '{message.kind}'")
    rows = [_row(message, now) for message in messages]
    if len(rows) == 1:
        ids = [direct.execute(uow.session, _INSERT_MESSAGE, rows[0]).scalar_one()]
    else:
        ids = list(uow.session.execute(_INSERT_MESSAGES, rows).scalars())
    uow.queued_messages.extend(i for i, m in zip(ids, messages, strict=True) if not m.held)


def _row(message: Outgoing, now: datetime) -> dict[str, object]:
    return {
        "idempotency_key": message.key,
        "kind": message.kind,
        "recipient": message.recipient,
        "campaign_id": message.campaign_id,
        "nomination_id": message.nomination_id,
        "context": to_json(message.context),
        "status": HELD if message.held else PENDING,
        "attempts": 0,
        "last_error": None,
        "created_at": now,
        "sent_at": None,
    }


def is_queued(uow: UnitOfWork, key: str) -> bool:
    """Whether a message with this idempotency key was ever queued."""
    query = select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)
    return uow.session.scalar(query) is not None


def list_messages(
    uow: UnitOfWork,
    *,
    status: str | None = None,
    campaign_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[OutboxMessage]:
    """Messages, newest first, optionally of one status or campaign."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit).offset(offset)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    if campaign_id is not None:
        query = query.where(OutboxMessage.campaign_id == campaign_id)
    return list(uow.session.scalars(query))


def failed_ids(uow: UnitOfWork) -> list[int]:
    """Ids of every failed message, oldest first."""
    query = select(OutboxMessage.id).where(OutboxMessage.status == FAILED)
    return list(uow.session.scalars(query.order_by(OutboxMessage.id)))


def requeue_failed(uow: UnitOfWork, ids: list[int]) -> int:
    """Put these failed messages back in the queue with fresh attempts; returns how many moved.

    Only the row change: who may do it and the audit event are the caller's (see
    `workflow/services/mail.py`). Not committed here.
    """
    if not ids:
        return 0
    result = uow.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == FAILED)
        .values(status=PENDING, attempts=0, next_attempt_at=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
