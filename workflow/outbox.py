"""Writing email messages into the outbox, in the transaction of the change that causes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert

from models import OutboxMessage
from models.uow import UnitOfWork

_OUTBOX = cast(Table, OutboxMessage.__table__)
_INSERT_MESSAGE = insert(_OUTBOX).returning(_OUTBOX.c.id)


def queue_message(
    uow: UnitOfWork,
    *,
    key: str,
    kind: str,
    recipient: str,
    now: datetime,
    context: dict[str, Any],
    campaign_id: int | None = None,
    nomination_id: int | None = None,
) -> None:
    """Queue one message under an idempotency key.

    Keys name what caused the message (a new task's id, a nomination's version), so a key
    repeats only when the same change is replayed; the unique constraint then refuses it
    and the whole transaction with it, which is what a replayed change deserves.
    """
    message_id: int = uow.session.execute(
        _INSERT_MESSAGE,
        {
            "idempotency_key": key,
            "kind": kind,
            "recipient": recipient,
            "campaign_id": campaign_id,
            "nomination_id": nomination_id,
            "context": context,
            "status": "pending",
            "attempts": 0,
            "last_error": None,
            "created_at": now,
            "sent_at": None,
        },
    ).scalar_one()
    uow.queued_messages.append(message_id)
