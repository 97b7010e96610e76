"""What each kind of deadline does when it comes due. Rows only, inside the sweep's transaction.

The actions belong to the stage kinds that create the deadlines (`workflow.stages`); this
table binds them to the one path for state changes and adds the campaign's own deadline
(`submission_close`). Every action looks at the state first: a deadline outlived by events
(the task was done, the unit answered) does nothing and says so in its outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select

from config.catalogue import Message, msg
from config.message_json import reason_fields
from models import Campaign, Deadline, Nomination
from models.uow import UnitOfWork
from notifications.outbox import queue_message
from workflow import audit
from workflow.actors import SYSTEM
from workflow.messages import submission_closed
from workflow.services.transitions import apply
from workflow.stages import registry as stages
from workflow.stages.base import Action as StageAction
from workflow.stages.tasks import because, load_tasks_of
from workflow.states import DRAFT

Action = Callable[[UnitOfWork, Deadline, datetime], Message]


def close_submission(uow: UnitOfWork, deadline: Deadline, now: datetime) -> Message:
    """The campaign's submission deadline: record it and tell the office what came in."""
    campaign = uow.session.get_one(Campaign, deadline.campaign_id)
    submitted = (
        uow.session.scalar(
            select(func.count(Nomination.id)).where(
                Nomination.campaign_id == campaign.id, Nomination.status != DRAFT
            )
        )
        or 0
    )
    closed = msg("audit.submission_closed", count=submitted, deadline=because(deadline))
    reason, payload = reason_fields(closed)
    audit.append(
        uow,
        now,
        audit.AuditEntry.by(
            SYSTEM,
            trigger="close_submission",
            campaign_id=campaign.id,
            reason=reason,
            payload=payload,
        ),
    )
    queue_message(
        uow,
        key=f"submission_closed:{campaign.id}:{deadline.id}",
        kind="submission_closed",
        recipient=campaign.admin_email,
        now=now,
        context=submission_closed(deadline.due_at, submitted),
        campaign_id=campaign.id,
    )
    return msg("sweep.submission_closed", count=submitted)


def _bound(action: StageAction) -> Action:
    def run(uow: UnitOfWork, deadline: Deadline, now: datetime) -> Message:
        return action(uow, deadline, now, apply)

    run.__doc__ = action.__doc__
    return run


def load_context(uow: UnitOfWork, deadlines: list[Deadline]) -> list[object]:
    """What a batch of deadlines' actions read, loaded once for the batch (hold it meanwhile)."""
    return load_tasks_of(uow, deadlines)


def action_for(kind: str) -> Action:
    """The action a deadline kind stands for (`reminder:3`, `escalation:2` share one each)."""
    return ACTIONS[kind.split(":", 1)[0]]


ACTIONS: dict[str, Action] = {
    **{kind: _bound(action) for kind, action in stages.actions().items()},
    "submission_close": close_submission,
}
