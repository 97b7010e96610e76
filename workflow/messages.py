"""What a message says and to whom: recipients and template contexts for the outbox.

Contexts hold ready-to-print values (times already in Asia/Shanghai) so that templates
stay free of logic and a message renders the same however late it is sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from models import Nomination, ReviewTask, User
from models.uow import UnitOfWork
from workflow.calendar import SHANGHAI
from workflow.definition import Definition
from workflow.outbox import queue_message
from workflow.step import Step


def shanghai(moment: datetime | None) -> str:
    """A stored UTC time as people here read it, to the minute ("" for none)."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def department_name(definition: Definition, department: str) -> str:
    spec = definition.departments.get(department)
    return spec.name if spec else department


def task_context(
    task: ReviewTask, nomination: Nomination, definition: Definition
) -> dict[str, Any]:
    """What every message about one review task says."""
    return {
        "task_id": task.id,
        "stage": definition.stage(task.stage).title,
        "nominee": nomination.name,
        "department": department_name(definition, task.department),
        "due_at": shanghai(task.due_at),
    }


def reviewer_recipients(
    uow: UnitOfWork, task: ReviewTask, nomination: Nomination, definition: Definition
) -> list[str]:
    """The assignee's own address when known, else the department's reviewers' mailbox."""
    if task.assignee:
        # The claiming account when recorded; a display name may belong to several people.
        who = (
            User.id == task.assignee_user_id
            if task.assignee_user_id is not None
            else or_(User.username == task.assignee, User.display_name == task.assignee)
        )
        email = uow.session.scalar(select(User.email).where(who, User.email.is_not(None)))
        if email:
            return [email]
    spec = definition.departments.get(task.department)
    return [spec.email if spec and spec.email else nomination.campaign.admin_email]


def escalation_recipients(
    task: ReviewTask, nomination: Nomination, definition: Definition
) -> list[str]:
    """The department's lead (when the definition names one) and the campaign administrators."""
    spec = definition.departments.get(task.department)
    recipients = [spec.lead_email] if spec and spec.lead_email else []
    if nomination.campaign.admin_email not in recipients:
        recipients.append(nomination.campaign.admin_email)
    return recipients


def unit_recipient(nomination: Nomination) -> str:
    """The recommending unit's address, or the campaign office when the unit has none."""
    return nomination.unit.email or nomination.campaign.admin_email


def notify_unit(step: Step, kind: str, state: str, **extra: str) -> None:
    """Tell the recommending unit what happened to its nomination, with the reason."""
    n: Nomination = step.nomination
    queue_message(
        step.uow,
        key=f"{kind}:{n.id}:{state}:{n.version}",
        kind=kind,
        recipient=unit_recipient(n),
        now=step.now,
        context={"nominee": n.name, "state": state, "reason": step.reason or "", **extra},
        campaign_id=n.campaign_id,
        nomination_id=n.id,
    )
