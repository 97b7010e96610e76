"""The email outbox for administrators: list messages, put failed ones back in the queue."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from models import OutboxMessage
from web.deps import CurrentActor, Now, Uow
from workflow.access import MAX_ID
from workflow.services import mail

router = APIRouter(tags=["outbox"])
Status = Literal["pending", "sending", "sent", "failed", "digested", "held"]


class MessageOut(BaseModel):
    id: int
    kind: str
    recipient: str
    campaign_id: int | None
    nomination_id: int | None
    status: str
    attempts: int
    last_error: str | None
    subject: str | None
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None


class RetriedOut(BaseModel):
    retried: int


def message_out(m: OutboxMessage) -> MessageOut:
    """An outbox message without its rendering context."""
    return MessageOut(
        id=m.id,
        kind=m.kind,
        recipient=m.recipient,
        campaign_id=m.campaign_id,
        nomination_id=m.nomination_id,
        status=m.status,
        attempts=m.attempts,
        last_error=m.last_error,
        subject=m.subject,
        created_at=m.created_at,
        sent_at=m.sent_at,
        next_attempt_at=m.next_attempt_at,
    )


@router.get("/outbox", response_model=list[MessageOut])
def list_messages(
    uow: Uow,
    actor: CurrentActor,
    status: Status | None = None,
    campaign_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0, le=10_000_000),
) -> list[MessageOut]:
    """Messages, newest first."""
    rows = mail.list_messages(
        uow, actor, status=status, campaign_id=campaign_id, limit=limit, offset=offset
    )
    return [message_out(m) for m in rows]


@router.post("/outbox/{message_id}/retry", response_model=MessageOut)
def retry(message_id: int, uow: Uow, actor: CurrentActor, now: Now) -> MessageOut:
    """Put one failed message back in the queue."""
    return message_out(mail.retry(uow, message_id, actor, now))


@router.post("/outbox/retry-failed", response_model=RetriedOut)
def retry_failed(uow: Uow, actor: CurrentActor, now: Now) -> RetriedOut:
    """Put every failed message back in the queue."""
    return RetriedOut(retried=mail.retry_failed(uow, actor, now))
