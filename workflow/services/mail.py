"""Administrators' actions on mail: put failed messages back in the queue, audited.

The rows are `notifications`' (`notifications.outbox.requeue_failed`); what makes it an
administrative action — who may do it, the audit event, the one commit — is the domain's,
so it lives here and `notifications` never needs the audit log or the actor.
"""

from __future__ import annotations

from datetime import datetime

from config.catalogue import msg
from models import OutboxMessage
from models.scheduling import FAILED
from models.uow import UnitOfWork
from notifications import outbox
from workflow import audit
from workflow.access import require_admin
from workflow.actors import Actor
from workflow.errors import InvalidState
from workflow.repository import commit, get


def list_messages(
    uow: UnitOfWork,
    actor: Actor,
    *,
    status: str | None = None,
    campaign_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[OutboxMessage]:
    """Messages, newest first (administrators only)."""
    require_admin(actor)
    return outbox.list_messages(
        uow, status=status, campaign_id=campaign_id, limit=limit, offset=offset
    )


def retry(uow: UnitOfWork, message_id: int, actor: Actor, now: datetime) -> OutboxMessage:
    """Put a failed message back in the queue (administrators only; audited)."""
    require_admin(actor)
    message = get(uow, OutboxMessage, message_id, "message")
    if message.status != FAILED:
        raise InvalidState(msg("error.message_not_failed", id=message_id))
    _requeue(uow, [message_id], actor, now)
    commit(uow)
    uow.session.refresh(message)
    return message


def retry_failed(uow: UnitOfWork, actor: Actor, now: datetime) -> int:
    """Put every failed message back in the queue; returns how many."""
    require_admin(actor)
    ids = outbox.failed_ids(uow)
    if ids:
        _requeue(uow, ids, actor, now)
    commit(uow)
    return len(ids)


def _requeue(uow: UnitOfWork, ids: list[int], actor: Actor, now: datetime) -> None:
    outbox.requeue_failed(uow, ids)
    audit.append(
        uow,
        now,
        audit.AuditEntry.by(
            actor,
            trigger="outbox_retry",
            reason=f"{len(ids)} failed message(s) queued again",
            payload={"message_ids": ids[:100]},
        ),
    )
