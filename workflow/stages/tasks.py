"""What the task-based stage kinds share: review tasks, their due dates, reminders, escalations.

Team review, joint review and inspection queue review tasks; each task carries a `task_due`
deadline and a `reminder:N` per configured offset, and an overdue task escalates
(`task_due`, then `escalation:N` every `escalation_repeat_days`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import lazyload

from config.catalogue import Listing, Message, msg
from config.dates import local_day
from models import Deadline, Nomination, ReviewTask, direct
from models.reviews import TASK_CLAIMED
from models.uow import UnitOfWork
from notifications.outbox import Outgoing, queue_message, queue_messages
from workflow.actors import SYSTEM
from workflow.calendar import WorkingCalendar
from workflow.definition import StageSpec
from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.lifecycles import review_task
from workflow.lifecycles.deadline import NewDeadline, kind_label
from workflow.messages import (
    beijing,
    department_name,
    escalation,
    escalation_recipients,
    reminder,
    reviewer_recipients,
    task_assigned,
)
from workflow.stages.base import Action, Apply
from workflow.step import Step, load_calendar
from workflow.versions import definition_of


def because(deadline: Deadline) -> Message:
    """The reason an automatic change gives: which deadline, of what kind, due when."""
    return msg(
        "audit.deadline",
        id=deadline.id,
        kind=kind_label(deadline.kind),
        due=beijing(deadline.due_at),
    )


def create_task(step: Step, stage: StageSpec, department: str, role: str) -> int:
    """One review task, its due and reminder deadlines, and the assignment message."""
    (task_id,) = create_tasks(step, stage, [(department, role)])
    return task_id


def create_tasks(step: Step, stage: StageSpec, assignments: Sequence[tuple[str, str]]) -> list[int]:
    """A review task per (department, role), each with its due and reminder deadlines and its
    assignment message: three statements however many departments the stage asks."""
    due = (
        step.calendar.add_working_days(step.now, stage.duration_days)
        if stage.duration_days
        else None
    )
    n = step.nomination
    task_ids = review_task.open_tasks(
        step.uow,
        nomination_id=n.id,
        campaign_id=n.campaign_id,
        stage=stage.id,
        assignments=assignments,
        due_at=due,
        now=step.now,
    )
    if due is not None:
        _schedule_task_deadlines(step, stage, due, task_ids)
    messages = [
        Outgoing(
            key=f"task_assigned:{task_id}",
            kind="task_assigned",
            recipient=step.definition.departments[department].email or n.campaign.admin_email,
            context=task_assigned(
                task_id, stage.title, n.name, department_name(step.definition, department), due
            ),
            campaign_id=n.campaign_id,
            nomination_id=n.id,
        )
        for task_id, (department, _) in zip(task_ids, assignments, strict=True)
    ]
    queue_messages(step.uow, messages, step.now)
    return task_ids


def _schedule_task_deadlines(
    step: Step, stage: StageSpec, due: datetime, task_ids: Sequence[int]
) -> None:
    """The tasks' due time and their reminders (those still ahead), computed once and stored."""
    n = step.nomination
    times = [("task_due", due)] + [
        (f"reminder:{offset}", step.calendar.working_days_before(due, offset))
        for offset in stage.reminders
    ]
    rows = [
        NewDeadline(n.campaign_id, kind, at, n.id, stage.id, task_id)
        for task_id in task_ids
        for kind, at in times
        if at > step.now
    ]
    deadline_lifecycle.schedule(step.uow, rows, step.now)


def has_unanswered(uow: UnitOfWork, nomination_id: int, stage: str) -> bool:
    """Whether a task of the nomination's stage is still open or claimed."""
    found = direct.read(
        uow.session, _UNANSWERED, {"of_nomination": nomination_id, "of_stage": stage}
    )
    return bool(found)


_UNANSWERED = (
    select(ReviewTask.id)
    .where(
        ReviewTask.nomination_id == bindparam("of_nomination"),
        ReviewTask.stage == bindparam("of_stage"),
        ReviewTask.status.in_(review_task.LIVE),
    )
    .limit(1)
)


def finish_task_deadlines(uow: UnitOfWork, task_id: int) -> None:
    """A finished task needs no more reminders or escalations."""
    deadline_lifecycle.cancel_pending_of_task(uow, task_id)


# The nomination's campaign, unit and definition are the same few rows for a whole sweep:
# loaded lazily they come from the session's identity map, instead of being joined (the
# definition's document with them) into every row.
_SHARED_ROWS = (
    lazyload(Nomination.campaign),
    lazyload(Nomination.unit),
    lazyload(Nomination.definition),
)


def load_tasks_of(uow: UnitOfWork, deadlines: list[Deadline]) -> list[object]:
    """Bring the tasks (with their nominations) of a sweep's batch into the session in one
    statement, so that each deadline's action finds its rows without a query of its own.
    The caller holds the rows returned while the batch runs: the session keeps them weakly."""
    task_ids = {d.task_id for d in deadlines if d.task_id is not None}
    if not task_ids:
        return []
    rows = uow.session.execute(_TASKS_WITH_NOMINATIONS.where(ReviewTask.id.in_(task_ids)))
    return [row for pair in rows for row in pair]


_TASKS_WITH_NOMINATIONS = (
    select(ReviewTask, Nomination)
    .join(Nomination, Nomination.id == ReviewTask.nomination_id)
    .options(*_SHARED_ROWS)
)


def _open_task(uow: UnitOfWork, deadline: Deadline) -> tuple[ReviewTask, Nomination] | Message:
    # From the identity map when the sweep loaded its batch (`load_tasks_of`), else a query.
    task = uow.session.get(ReviewTask, deadline.task_id) if deadline.task_id else None
    nomination = uow.session.get(Nomination, task.nomination_id) if task is not None else None
    if task is None or nomination is None:
        return msg("sweep.skipped_task_gone")
    if task.status not in review_task.LIVE:
        return msg("sweep.skipped_task", status=review_task.LIFECYCLE.label(task.status))
    return task, nomination


def remind(uow: UnitOfWork, deadline: Deadline, now: datetime, apply: Apply) -> Message:
    """Remind the assignee (or the department's reviewers) that a task falls due soon."""
    found = _open_task(uow, deadline)
    if isinstance(found, Message):
        return found
    task, nomination = found
    definition = definition_of(nomination.definition)
    context = reminder(task, nomination, definition, int(deadline.kind.split(":", 1)[1]))
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
    return msg("sweep.reminded", recipients=Listing(tuple(recipients)))


def escalate(uow: UnitOfWork, deadline: Deadline, now: datetime, apply: Apply) -> Message:
    """An overdue task: tell the lead and the administrators, maybe reassign, and come back."""
    found = _open_task(uow, deadline)
    if isinstance(found, Message):
        return found
    task, nomination = found
    definition = definition_of(nomination.definition)
    stage = definition.stage(task.stage)
    if stage.escalate_to is None:
        return msg("sweep.no_escalation")
    count = 1 if deadline.kind == "task_due" else int(deadline.kind.split(":", 1)[1])
    calendar = load_calendar(uow)
    assignee = task.assignee or ""
    reassigned = stage.escalation_reassign and task.status == TASK_CLAIMED
    if reassigned:
        _release(uow, task, now, deadline)
    context = escalation(
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
            # The office hears of every overdue task of a sweep in one summary, not one each.
            held=recipient == nomination.campaign.admin_email,
        )
    if stage.escalation_repeat_days:
        again = calendar.add_working_days(now, stage.escalation_repeat_days)
        _schedule_repeat(uow, deadline, count + 1, again, now)
    code = "sweep.escalated_released" if reassigned else "sweep.escalated"
    return msg(code, count=count, recipients=Listing(tuple(recipients)))


def _schedule_repeat(
    uow: UnitOfWork, deadline: Deadline, count: int, due: datetime, now: datetime
) -> None:
    """The next escalation of the same task, `escalation_repeat_days` later."""
    repeat = NewDeadline(
        deadline.campaign_id,
        f"escalation:{count}",
        due,
        deadline.nomination_id,
        deadline.stage,
        deadline.task_id,
    )
    deadline_lifecycle.schedule(uow, [repeat], now)


def overdue_working_days(calendar: WorkingCalendar, due: datetime | None, now: datetime) -> int:
    """Working days from the due instant (local midnight ending the last day) up to today."""
    if due is None or now <= due:
        return 0
    return calendar.working_days_between(local_day(due), local_day(now))


def _release(uow: UnitOfWork, task: ReviewTask, now: datetime, deadline: Deadline) -> None:
    """Take an overdue task back from its assignee into the department's queue."""
    previous = task.assignee
    reason = msg("audit.task_released", assignee=previous or "", deadline=because(deadline))
    review_task.release(uow, task, actor=SYSTEM, now=now, reason=reason)


# The deadline kinds every task-based stage creates.
TASK_ACTIONS: Mapping[str, Action] = {
    "reminder": remind,
    "task_due": escalate,
    "escalation": escalate,
}
