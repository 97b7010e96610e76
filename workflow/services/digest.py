"""The reviewers' daily digest: one message per reviewer mailbox listing their open tasks."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from config.dates import local_day
from models import Campaign, Nomination, ReviewTask
from models.reviews import TASK_CLAIMED, TASK_OPEN
from models.uow import UnitOfWork
from notifications.contexts import DailyDigest, DigestTask
from notifications.outbox import is_queued, queue_message
from workflow.messages import department_name, digest_line, reviewer_recipients
from workflow.repository import commit
from workflow.services.definitions import definition_of


def queue_daily_digests(uow: UnitOfWork, now: datetime) -> int:
    """Queue today's digest for every reviewer of every campaign that asked for one."""
    day = local_day(now).isoformat()
    campaigns = uow.session.scalars(select(Campaign).where(Campaign.daily_digest.is_(True)))
    queued = 0
    for campaign in campaigns:
        for (recipient, reviewer), tasks in _open_tasks_by_reviewer(uow, campaign, now).items():
            key = f"daily_digest:{campaign.id}:{recipient}:{day}"
            if is_queued(uow, key):  # the digest ran before today (a restarted beat)
                continue
            queue_message(
                uow,
                key=key,
                kind="daily_digest",
                recipient=recipient,
                now=now,
                context=DailyDigest(reviewer=reviewer, tasks=tuple(tasks)),
                campaign_id=campaign.id,
            )
            queued += 1
    commit(uow)
    return queued


def _open_tasks_by_reviewer(
    uow: UnitOfWork, campaign: Campaign, now: datetime
) -> dict[tuple[str, str], list[DigestTask]]:
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
    grouped: dict[tuple[str, str], list[DigestTask]] = defaultdict(list)
    for task, nomination in rows:
        entry = digest_line(task, nomination, definition, now)
        reviewer = department_name(definition, task.department)
        for recipient in reviewer_recipients(uow, task, nomination, definition):
            grouped[(recipient, reviewer)].append(entry)
    return grouped
