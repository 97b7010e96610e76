"""The reviewers' daily digest: one message per reviewer mailbox listing their open tasks."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select

from models import Campaign, Nomination, OutboxMessage, ReviewTask
from models.reviews import TASK_CLAIMED, TASK_OPEN
from models.uow import UnitOfWork
from workflow.calendar import SHANGHAI
from workflow.messages import department_name, reviewer_recipients, task_context
from workflow.outbox import queue_message
from workflow.repository import commit
from workflow.services.definitions import definition_of


def queue_daily_digests(uow: UnitOfWork, now: datetime) -> int:
    """Queue today's digest for every reviewer of every campaign that asked for one."""
    day = now.astimezone(SHANGHAI).date().isoformat()
    campaigns = uow.session.scalars(select(Campaign).where(Campaign.daily_digest.is_(True)))
    queued = 0
    for campaign in campaigns:
        for (recipient, reviewer), tasks in _open_tasks_by_reviewer(uow, campaign, now).items():
            key = f"daily_digest:{campaign.id}:{recipient}:{day}"
            if _already_queued(uow, key):  # the digest ran before today (a restarted beat)
                continue
            queue_message(
                uow,
                key=key,
                kind="daily_digest",
                recipient=recipient,
                now=now,
                context={"reviewer": reviewer, "tasks": tasks},
                campaign_id=campaign.id,
            )
            queued += 1
    commit(uow)
    return queued


def _already_queued(uow: UnitOfWork, key: str) -> bool:
    query = select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)
    return uow.session.scalar(query) is not None


def _open_tasks_by_reviewer(
    uow: UnitOfWork, campaign: Campaign, now: datetime
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    definition = definition_of(campaign.definition)
    rows = uow.session.execute(
        select(ReviewTask, Nomination)
        .join(Nomination, Nomination.id == ReviewTask.nomination_id)
        .where(
            ReviewTask.campaign_id == campaign.id,
            ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED]),
        )
        .order_by(ReviewTask.due_at, ReviewTask.id)
    )
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for task, nomination in rows:
        context = task_context(task, nomination, definition)
        entry = {
            "task_id": task.id,
            "nominee": context["nominee"],
            "stage": context["stage"],
            "due_at": context["due_at"],
            "overdue": task.due_at is not None and task.due_at < now,
        }
        reviewer = department_name(definition, task.department)
        for recipient in reviewer_recipients(uow, task, nomination, definition):
            grouped[(recipient, reviewer)].append(entry)
    return grouped
