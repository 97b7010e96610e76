"""The campaign office's escalation summary: one message per sweep, campaign and mailbox.

An escalation to the office is queued `held` in the transaction of its deadline (so it is
kept exactly as a single one would be); when the sweep has fired its batches, the held
escalations are folded into one `escalation_summary` per campaign and office mailbox and
marked `digested`. A sweep that dies between the two leaves them held, and the next sweep
folds them: none is lost, none sent twice (the summary's key names the rows it carries).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update

from models import OutboxMessage
from models.scheduling import DIGESTED, HELD
from models.uow import UnitOfWork
from notifications.contexts import Escalation, EscalationSummary, context_from
from notifications.outbox import queue_message
from workflow.repository import commit


def fold_office_escalations(uow: UnitOfWork, now: datetime) -> int:
    """Queue one summary per campaign and office mailbox for the held escalations; how many."""
    query = (
        select(
            OutboxMessage.id,
            OutboxMessage.campaign_id,
            OutboxMessage.recipient,
            OutboxMessage.context,
        )
        .where(OutboxMessage.status == HELD, OutboxMessage.kind == "escalation")
        .order_by(OutboxMessage.id)
    )
    if uow.dialect == "postgresql":  # a second sweep folding at once leaves these to us
        query = query.with_for_update(skip_locked=True)
    groups: dict[tuple[int | None, str], list[Row[Any]]] = defaultdict(list)
    for row in uow.session.execute(query):
        groups[(row.campaign_id, row.recipient)].append(row)
    for (campaign_id, recipient), held in groups.items():
        lines = tuple(_escalation(row.context) for row in held)
        queue_message(
            uow,
            key=f"escalation_summary:{campaign_id}:{recipient}:{held[0].id}-{held[-1].id}",
            kind="escalation_summary",
            recipient=recipient,
            now=now,
            context=EscalationSummary(escalations=lines),
            campaign_id=campaign_id,
        )
        ids = [row.id for row in held]
        uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == HELD)
            .values(status=DIGESTED)
        )
    commit(uow)
    return len(groups)


def _escalation(data: Any) -> Escalation:
    context = context_from("escalation", data)
    assert isinstance(context, Escalation)
    return context
