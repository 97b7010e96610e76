"""Writing email messages into the outbox, in the transaction of the change that causes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models import OutboxMessage
from models.uow import UnitOfWork


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
) -> OutboxMessage:
    """Queue one message under an idempotency key.

    Keys name what caused the message (a new task's id, a nomination's version), so a key
    repeats only when the same change is replayed; the unique constraint then refuses it
    and the whole transaction with it, which is what a replayed change deserves.
    """
    message = OutboxMessage(
        idempotency_key=key,
        kind=kind,
        recipient=recipient,
        campaign_id=campaign_id,
        nomination_id=nomination_id,
        context=context,
        created_at=now,
    )
    uow.session.add(message)
    return message
