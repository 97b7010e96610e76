"""Writing email messages into the outbox, in the transaction of the change that causes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

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
    """Queue one message under an idempotency key; queuing the same key again is a no-op."""
    existing = uow.session.scalars(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
    ).one_or_none()
    if existing is not None:
        return existing
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
