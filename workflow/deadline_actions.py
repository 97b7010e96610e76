"""What each kind of deadline does when it comes due. Rows only, inside the sweep's transaction.

Every action looks at the state first: a deadline outlived by events (the task was done,
the unit answered) does nothing and says so in its outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import lazyload

from models import Campaign, Deadline, Nomination, Objection, ReviewTask
from models.reviews import OBJECTION_LAPSED, OBJECTION_OPEN, TASK_CLAIMED, TASK_OPEN
from models.scheduling import PENDING
from models.uow import UnitOfWork
from notifications.outbox import queue_message
from workflow import audit, messages
from workflow.actors import SYSTEM
from workflow.calendar import SHANGHAI, WorkingCalendar
from workflow.machine import CLOSED_STATES, DRAFT
from workflow.messages import escalation_recipients, reviewer_recipients, shanghai
from workflow.repository import lock_nomination
from workflow.services.definitions import definition_of
from workflow.services.transitions import apply
from workflow.step import load_calendar

Action = Callable[[UnitOfWork, Deadline, datetime], str]


def because(deadline: Deadline) -> str:
    """The reason an automatic change gives: which deadline, of what kind, due when."""
    return f"deadline #{deadline.id} ({deadline.kind}, due {shanghai(deadline.due_at)})"


# The nomination's campaign, unit and definition are the same few rows for a whole sweep:
# loaded lazily they come from the session's identity map, instead of being joined (the
# definition's document with them) into every row.
_SHARED_ROWS = (
    lazyload(Nomination.campaign),
    lazyload(Nomination.unit),
    lazyload(Nomination.definition),
)


def _open_task(uow: UnitOfWork, deadline: Deadline) -> tuple[ReviewTask, Nomination] | str:
    found = uow.session.execute(
        select(ReviewTask, Nomination)
        .join(Nomination, Nomination.id == ReviewTask.nomination_id)
        .where(ReviewTask.id == deadline.task_id)
        .options(*_SHARED_ROWS)
    ).one_or_none()
    if found is None:
        return "skipped: task is gone"
    task, nomination = found
    if task.status not in (TASK_OPEN, TASK_CLAIMED):
        return f"skipped: task is {task.status}"
    return task, nomination


def remind(uow: UnitOfWork, deadline: Deadline, now: datetime) -> str:
    """Remind the assignee (or the department's reviewers) that a task falls due soon."""
    found = _open_task(uow, deadline)
    if isinstance(found, str):
        return found
    task, nomination = found
    definition = definition_of(nomination.definition)
    context = messages.reminder(task, nomination, definition, int(deadline.kind.split(":", 1)[1]))
    recipients = reviewer_recipients(uow, task, nomination, definition)
    for recipient in recipients:
        queue_message(
            uow,
            key=f"reminder:{deadline.id}:{recipient}",
            kind="reminder",
            recipient=recipient,
            now=now,
            context=context,
            campaign_id=nomination.campaign_id,
            nomination_id=nomination.id,
        )
    return f"reminded {', '.join(recipients)}"


def escalate(uow: UnitOfWork, deadline: Deadline, now: datetime) -> str:
    """An overdue task: tell the lead and the administrators, maybe reassign, and come back."""
    found = _open_task(uow, deadline)
    if isinstance(found, str):
        return found
    task, nomination = found
    definition = definition_of(nomination.definition)
    stage = definition.stage(task.stage)
    if stage.escalate_to is None:
        return "overdue; the stage names no one to escalate to"
    count = 1 if deadline.kind == "task_due" else int(deadline.kind.split(":", 1)[1])
    calendar = load_calendar(uow)
    assignee = task.assignee or ""
    reassigned = stage.escalation_reassign and task.status == TASK_CLAIMED
    if reassigned:
        _release(uow, task, now, deadline)
    context = messages.escalation(
        task,
        nomination,
        definition,
        overdue_days=overdue_working_days(calendar, task.due_at, now),
        assignee=assignee,
        count=count,
        reassigned=reassigned,
    )
    recipients = escalation_recipients(task, nomination, definition)
    for recipient in recipients:
        queue_message(
            uow,
            key=f"escalation:{deadline.id}:{recipient}",
            kind="escalation",
            recipient=recipient,
            now=now,
            context=context,
            campaign_id=nomination.campaign_id,
            nomination_id=nomination.id,
        )
    if stage.escalation_repeat_days:
        again = calendar.add_working_days(now, stage.escalation_repeat_days)
        _add_deadline(uow, deadline, f"escalation:{count + 1}", again, now)
    return f"escalation {count} to {', '.join(recipients)}" + (" (released)" if reassigned else "")


def overdue_working_days(calendar: WorkingCalendar, due: datetime | None, now: datetime) -> int:
    """Working days from the due instant (local midnight ending the last day) up to today."""
    if due is None or now <= due:
        return 0
    return calendar.working_days_between(due.astimezone(SHANGHAI).date(), local_date(now))


def local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def _release(uow: UnitOfWork, task: ReviewTask, now: datetime, deadline: Deadline) -> None:
    """Take an overdue task back from its assignee into the department's queue."""
    previous = task.assignee
    task.status, task.assignee = TASK_OPEN, None
    audit.append(
        uow,
        now,
        audit.AuditEntry(
            actor=SYSTEM.label,
            trigger="release_task",
            campaign_id=task.campaign_id,
            nomination_id=task.nomination_id,
            reason=f"overdue, taken back from {previous}: {because(deadline)}",
            payload={"task_id": task.id},
        ),
    )


def _add_deadline(
    uow: UnitOfWork, source: Deadline, kind: str, due: datetime, now: datetime
) -> None:
    uow.session.add(
        Deadline(
            campaign_id=source.campaign_id,
            nomination_id=source.nomination_id,
            task_id=source.task_id,
            kind=kind,
            stage=source.stage,
            due_at=due,
            created_at=now,
        )
    )


def end_notice(uow: UnitOfWork, deadline: Deadline, now: datetime) -> str:
    """The notice has run its days: on to the committee, unless an objection is still open."""
    nomination = lock_nomination(uow, deadline.nomination_id or 0)
    if nomination.status != deadline.stage:
        return f"skipped: nomination is {nomination.status}"
    waiting = open_objections(uow, nomination.id)
    if waiting:
        return f"waiting: {waiting} objection(s) under investigation"
    result = apply(uow, nomination, "close_notice", SYSTEM, now, reason=because(deadline))
    return f"notice closed; now {result.to_state}"


def open_objections(uow: UnitOfWork, nomination_id: int) -> int:
    return (
        uow.session.scalar(
            select(func.count(Objection.id)).where(
                Objection.nomination_id == nomination_id, Objection.status == OBJECTION_OPEN
            )
        )
        or 0
    )


def lapse_material(uow: UnitOfWork, deadline: Deadline, now: datetime) -> str:
    """A return for material left unanswered: the nomination counts as withdrawn."""
    nomination = lock_nomination(uow, deadline.nomination_id or 0)
    if nomination.status != deadline.stage:
        return f"skipped: nomination is {nomination.status}"
    reason = f"逾期未补充材料，视为自动放弃 — {because(deadline)}"
    apply(uow, nomination, "withdraw", SYSTEM, now, reason=reason)
    return "withdrawn: material not supplied"


def lapse_objection(uow: UnitOfWork, deadline: Deadline, now: datetime) -> str:
    """An objection whose investigation was not answered in time: 视为自动放弃."""
    nomination = lock_nomination(uow, deadline.nomination_id or 0)
    objection = uow.session.get_one(Objection, deadline.objection_id)
    if objection.status != OBJECTION_OPEN:
        return f"skipped: objection is {objection.status}"
    if nomination.status in CLOSED_STATES:
        return f"skipped: nomination is {nomination.status}"
    objection.status, objection.resolved_at = OBJECTION_LAPSED, now
    objection.finding = "核查结论逾期未报"
    reason = f"异议核查逾期未复，视为自动放弃 — objection {objection.id}, {because(deadline)}"
    apply(uow, nomination, "withdraw", SYSTEM, now, reason=reason)
    return f"withdrawn: objection {objection.id} not answered"


def close_submission(uow: UnitOfWork, deadline: Deadline, now: datetime) -> str:
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
    audit.append(
        uow,
        now,
        audit.AuditEntry(
            actor=SYSTEM.label,
            trigger="close_submission",
            campaign_id=campaign.id,
            reason=f"{submitted} nomination(s) submitted — {because(deadline)}",
        ),
    )
    queue_message(
        uow,
        key=f"submission_closed:{campaign.id}:{deadline.id}",
        kind="submission_closed",
        recipient=campaign.admin_email,
        now=now,
        context=messages.submission_closed(deadline.due_at, submitted),
        campaign_id=campaign.id,
    )
    return f"submission closed with {submitted} submitted"


def cancel_task_deadlines(uow: UnitOfWork, task_id: int) -> None:
    """A finished task needs no more reminders or escalations."""
    uow.session.execute(
        update(Deadline)
        .where(Deadline.task_id == task_id, Deadline.status == PENDING)
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )


def action_for(kind: str) -> Action:
    """The action a deadline kind stands for (`reminder:3`, `escalation:2` share one each)."""
    base = kind.split(":", 1)[0]
    return ACTIONS[base]


ACTIONS: dict[str, Action] = {
    "reminder": remind,
    "task_due": escalate,
    "escalation": escalate,
    "notice_end": end_notice,
    "material_due": lapse_material,
    "objection_answer_due": lapse_objection,
    "submission_close": close_submission,
}
