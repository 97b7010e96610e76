"""What a message says and to whom: recipients, and builders of the kinds' typed contexts.

The domain hands a message over by calling `notifications.outbox.queue_message` with the
unit of work of the change and one of the typed contexts of `notifications.contexts`
(built here from rows), so the outbox row commits with the change or not at all. Contexts
hold what a template prints; a time is kept as its ISO 8601 UTC instant (`stored`) and
written by the templates' `deadline`/`instant` filters in the message's locale, so a
message renders the same however late it is sent.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import or_, select

from config.catalogue import Message
from config.display import deadline
from models import Nomination, Objection, ReviewTask, User
from models.uow import UnitOfWork
from notifications.contexts import (
    DigestTask,
    Escalation,
    MessageContext,
    ObjectionAnswered,
    ObjectionOutcome,
    ObjectionReceived,
    Reminder,
    SubmissionClosed,
    TaskAssigned,
    context_from,
)
from notifications.outbox import queue_message
from workflow.definition import Definition, StageKind
from workflow.step import Step


def beijing(moment: datetime) -> Message:
    """A stored instant as a deadline figure in Beijing time (12月15日24时（北京时间））; the
    engine's name for `config.display.deadline`, which pages, mails and the CLI share."""
    return deadline(moment)


def stored(moment: datetime | None) -> str:
    """An instant as a message context keeps it: ISO 8601 in UTC ("" for none)."""
    return moment.astimezone(UTC).isoformat() if moment else ""


def department_name(definition: Definition, department: str) -> str:
    spec = definition.departments.get(department)
    return spec.name if spec else department


def task_assigned(
    task_id: int, stage_title: str, nominee: str, department: str, due: datetime | None
) -> TaskAssigned:
    """A new review task for a department (`department` is its display name)."""
    return TaskAssigned(task_id, stage_title, nominee, department, stored(due))


def _task_fields(
    task: ReviewTask, nomination: Nomination, definition: Definition
) -> tuple[int, str, str, str, str]:
    """What every message about one review task says: id, stage, nominee, department, due."""
    return (
        task.id,
        definition.stage(task.stage).title,
        nomination.name,
        department_name(definition, task.department),
        stored(task.due_at),
    )


def reminder(
    task: ReviewTask, nomination: Nomination, definition: Definition, days_left: int
) -> Reminder:
    """A task falls due in `days_left` working days."""
    return Reminder(*_task_fields(task, nomination, definition), days_left=days_left)


def escalation(
    task: ReviewTask,
    nomination: Nomination,
    definition: Definition,
    *,
    overdue_days: int,
    assignee: str,
    count: int,
    reassigned: bool,
) -> Escalation:
    """The `count`th escalation of an overdue task (`assignee`: who held it, "" for no one)."""
    return Escalation(
        *_task_fields(task, nomination, definition),
        overdue_days=overdue_days,
        assignee=assignee,
        count=count,
        reassigned=reassigned,
    )


def digest_line(
    task: ReviewTask, nomination: Nomination, definition: Definition, now: datetime
) -> DigestTask:
    """One open task in a reviewer's daily digest."""
    return DigestTask(
        task_id=task.id,
        nominee=nomination.name,
        stage=definition.stage(task.stage).title,
        due_at=stored(task.due_at),
        overdue=task.due_at is not None and task.due_at < now,
    )


def unit_notice(kind: str, nominee: str, state: str, reason: str, **extra: str) -> MessageContext:
    """What the unit is told about its nomination (ended, returned, decided, revoked).

    The kind is chosen at run time, so the context is checked against the kind's class here.
    """
    return context_from(kind, {"nominee": nominee, "state": state, "reason": reason, **extra})


def objection_received(
    nomination: Nomination, objection: Objection, answer_by: datetime | None
) -> ObjectionReceived:
    """The unit must investigate an objection and answer by `answer_by`."""
    return ObjectionReceived(
        nominee=nomination.name,
        objection_id=objection.id,
        received_on=objection.received_on.isoformat(),
        content=objection.content,
        answer_by=stored(answer_by),
    )


def objection_outcome(nomination: Nomination, objection: Objection) -> ObjectionOutcome:
    """How an objection's investigation ended: the working team's reason (the unit's own
    finding for objections decided before the team decided)."""
    return ObjectionOutcome(
        nominee=nomination.name,
        objection_id=objection.id,
        outcome=objection.status,
        finding=objection.decision_reason or objection.finding or "",
    )


def objection_answered(nomination: Nomination, objection: Objection) -> ObjectionAnswered:
    """The unit answered an objection: the working team decides next."""
    return ObjectionAnswered(
        nominee=nomination.name,
        objection_id=objection.id,
        unit=nomination.unit.name,
        findings=objection.answer or "",
    )


def team_recipient(nomination: Nomination, definition: Definition) -> str:
    """The mailbox of the team that works the public notice, or the campaign office."""
    for stage in definition.stages:
        for actor in stage.actors if stage.kind is StageKind.PUBLIC_NOTICE else ():
            spec = definition.departments.get(actor.department or "")
            if spec and spec.email:
                return spec.email
    return nomination.campaign.admin_email


def submission_closed(closed_at: datetime, submitted: int) -> SubmissionClosed:
    """The campaign's submission deadline passed with `submitted` nominations in."""
    return SubmissionClosed(closed_at=stored(closed_at), submitted=submitted)


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
        context=unit_notice(kind, n.name, state, step.reason or "", **extra),
        campaign_id=n.campaign_id,
        nomination_id=n.id,
    )
