"""What a state change writes: review tasks, deadline rows, outbox messages. Rows only, no I/O."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, update

from models import Deadline, Nomination, ReviewTask
from models.reviews import TASK_CANCELLED, TASK_CLAIMED, TASK_OPEN
from models.scheduling import CANCELLED, PENDING
from notifications.outbox import queue_message
from workflow import messages
from workflow.definition import StageKind, StageSpec
from workflow.machine import END_STATES
from workflow.messages import department_name, shanghai, unit_recipient
from workflow.routing import route_departments
from workflow.step import Step

# Built once so that every transition reuses SQLAlchemy's compiled statements.
_TASKS = cast(Table, ReviewTask.__table__)
_INSERT_TASK = insert(_TASKS).returning(_TASKS.c.id)
_INSERT_DEADLINE = insert(cast(Table, Deadline.__table__))


def on_state_changed(step: Step, source: str, dest: str) -> None:
    """Close what the old state opened and open what the new state needs."""
    n = step.nomination
    n.updated_at = step.now
    source_stage = step.definition.stage_of_state(source)
    if source_stage is not None:
        close_open_work(step, source)
    stage = step.definition.stage_of_state(dest)
    if stage is not None and dest == stage.id:
        n.stage_entered_at = step.now
        enter_stage(step, stage)
    elif stage is not None:
        enter_returned(step, stage)
    if dest in END_STATES:
        n.end_reason = step.reason
        notify_unit(step, "nomination_ended", dest)


def close_open_work(step: Step, state: str) -> None:
    """Cancel the tasks and pending deadlines a state left behind."""
    session, nid = step.uow.session, step.nomination.id
    session.execute(
        update(ReviewTask)
        .where(
            ReviewTask.nomination_id == nid,
            ReviewTask.stage == state,
            ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED]),
        )
        .values(status=TASK_CANCELLED, completed_at=step.now, version=ReviewTask.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Deadline)
        .where(Deadline.nomination_id == nid, Deadline.stage == state, Deadline.status == PENDING)
        .values(status=CANCELLED)
        .execution_options(synchronize_session=False)
    )


def enter_stage(step: Step, stage: StageSpec) -> None:
    """Queue the stage's review tasks (one per routed department) or start its clock."""
    if stage.kind is StageKind.PUBLIC_NOTICE:
        assert stage.duration_days is not None
        due = step.calendar.add_working_days(step.now, stage.duration_days)
        add_deadline(step, "notice_end", stage.id, due)
        return
    if stage.kind is StageKind.COMMITTEE_DECISION:
        return  # the committee decides on the list as a whole, not per task
    if stage.kind is StageKind.JOINT_REVIEW:
        departments = route_departments(stage, step.facts)
        role = "department_reviewer"
    else:
        actor = stage.actors[0]
        departments, role = [actor.department or "working_team"], actor.role
    for department in departments:
        create_task(step, stage, department, role)


def create_task(step: Step, stage: StageSpec, department: str, role: str) -> int:
    """One review task, its due and reminder deadlines, and the assignment message."""
    # Core inserts: these rows are written once here and never read back in this step.
    due = (
        step.calendar.add_working_days(step.now, stage.duration_days)
        if stage.duration_days
        else None
    )
    n = step.nomination
    task_id: int = step.uow.session.execute(
        _INSERT_TASK,
        {
            "nomination_id": n.id,
            "campaign_id": n.campaign_id,
            "stage": stage.id,
            "department": department,
            "role": role,
            "status": TASK_OPEN,
            "due_at": due,
            "created_at": step.now,
            "version": 1,
        },
    ).scalar_one()
    if due is not None:
        deadlines = [("task_due", due)] + [
            (f"reminder:{offset}", step.calendar.working_days_before(due, offset))
            for offset in stage.reminders
        ]
        add_deadlines(step, stage.id, [(k, at) for k, at in deadlines if at > step.now], task_id)
    recipient = step.definition.departments[department].email or n.campaign.admin_email
    queue_message(
        step.uow,
        key=f"task_assigned:{task_id}",
        kind="task_assigned",
        recipient=recipient,
        now=step.now,
        context=messages.task_assigned(
            task_id, stage.title, n.name, department_name(step.definition, department), due
        ),
        campaign_id=n.campaign_id,
        nomination_id=n.id,
    )
    return task_id


def enter_returned(step: Step, stage: StageSpec) -> None:
    """A return for material: the unit has `return_days` working days to answer."""
    due = None
    if stage.return_days:
        due = step.calendar.add_working_days(step.now, stage.return_days)
        add_deadline(step, "material_due", f"{stage.id}_returned", due)
    notify_unit(step, "returned_for_material", f"{stage.id}_returned", answer_by=shanghai(due))


def add_deadline(step: Step, kind: str, stage: str, due: datetime) -> None:
    """A deadline row of the nomination, computed once and stored."""
    add_deadlines(step, stage, [(kind, due)], None)


def add_deadlines(
    step: Step, stage: str, due: list[tuple[str, datetime]], task_id: int | None
) -> None:
    """Deadline rows (kind, due time) in one statement."""
    n = step.nomination
    step.uow.session.execute(
        _INSERT_DEADLINE,
        [
            {
                "campaign_id": n.campaign_id,
                "nomination_id": n.id,
                "task_id": task_id,
                "objection_id": None,
                "kind": kind,
                "stage": stage,
                "due_at": at,
                "status": PENDING,
                "fired_at": None,
                "created_at": step.now,
            }
            for kind, at in due
        ],
    )


def notify_unit(step: Step, kind: str, state: str, **extra: str) -> None:
    """Tell the recommending unit what happened to its nomination, with the reason."""
    n: Nomination = step.nomination
    queue_message(
        step.uow,
        key=f"{kind}:{n.id}:{state}:{n.version}",
        kind=kind,
        recipient=unit_recipient(n),
        now=step.now,
        context=messages.unit_notice(kind, n.name, state, step.reason or "", **extra),
        campaign_id=n.campaign_id,
        nomination_id=n.id,
    )
