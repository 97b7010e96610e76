"""The review task's lifecycle, and the only writer of `ReviewTask.status`.

open -> claimed -> open (released) ; open | claimed -> done | cancelled.
A person's move (claim, release, completion) appends its audit event here; a completion that
moves the nomination appends none of its own: the transition's event carries the task's facts
(`facts`, with the outcome), so one completion is one event in the chain. Cancelling the
tasks a nomination leaves behind is one set-based statement with no event per task: the
nomination's own transition event, written in the same transaction, records why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update

from config.catalogue import Message
from config.message_json import reason_fields
from models import ReviewTask, direct
from models.reviews import TASK_CANCELLED, TASK_CLAIMED, TASK_DONE, TASK_OPEN
from models.uow import UnitOfWork
from workflow import audit
from workflow.actors import Actor
from workflow.lifecycles.table import Lifecycle
from workflow.repository import write_now

LIFECYCLE = Lifecycle(
    "task_status",
    {
        TASK_OPEN: frozenset({TASK_CLAIMED, TASK_DONE, TASK_CANCELLED}),
        TASK_CLAIMED: frozenset({TASK_OPEN, TASK_DONE, TASK_CANCELLED}),
        TASK_DONE: frozenset(),
        TASK_CANCELLED: frozenset(),
    },
)
LIVE: tuple[str, ...] = (TASK_OPEN, TASK_CLAIMED)
# What a task handed back to its department's queue is written with.
UNASSIGNED: Mapping[str, Any] = MappingProxyType({"assignee": None, "assignee_user_id": None})

# Built once so that every transition reuses SQLAlchemy's compiled statement.
_TASKS = cast(Table, ReviewTask.__table__)
_CANCEL_LIVE = (
    update(_TASKS)
    .where(
        _TASKS.c.nomination_id == bindparam("of_nomination"),
        _TASKS.c.stage == bindparam("of_stage"),
        _TASKS.c.status.in_(LIFECYCLE.sources(TASK_CANCELLED)),
    )
    .values(
        status=TASK_CANCELLED, completed_at=bindparam("cancelled_at"), version=_TASKS.c.version + 1
    )
)
# One row, or several in one statement with their ids in the order the rows were given
# (SQLAlchemy's "insertmanyvalues"; the ordering costs a single row for nothing).
_INSERT_TASK = insert(_TASKS).returning(_TASKS.c.id)
_INSERT_TASKS = insert(_TASKS).returning(_TASKS.c.id, sort_by_parameter_order=True)


def open_task(
    uow: UnitOfWork,
    *,
    nomination_id: int,
    campaign_id: int,
    stage: str,
    department: str,
    role: str,
    due_at: datetime | None,
    now: datetime,
) -> int:
    """A new open task; returns its id."""
    (task_id,) = open_tasks(
        uow,
        nomination_id=nomination_id,
        campaign_id=campaign_id,
        stage=stage,
        assignments=[(department, role)],
        due_at=due_at,
        now=now,
    )
    return task_id


def open_tasks(
    uow: UnitOfWork,
    *,
    nomination_id: int,
    campaign_id: int,
    stage: str,
    assignments: Sequence[tuple[str, str]],
    due_at: datetime | None,
    now: datetime,
) -> list[int]:
    """New open tasks of one stage, one per (department, role), in one statement (a Core
    insert: they are written once and not read back); their ids, in the order given."""
    rows = [
        {
            "nomination_id": nomination_id,
            "campaign_id": campaign_id,
            "stage": stage,
            "department": department,
            "role": role,
            "status": TASK_OPEN,
            "due_at": due_at,
            "created_at": now,
            "version": 1,
        }
        for department, role in assignments
    ]
    if not rows:
        return []
    if len(rows) == 1:
        return [direct.execute(uow.session, _INSERT_TASK, rows[0]).scalar_one()]
    return list(uow.session.execute(_INSERT_TASKS, rows).scalars())


def move(
    uow: UnitOfWork,
    task: ReviewTask,
    target: str,
    *,
    actor: Actor,
    now: datetime,
    trigger: str,
    reason: str | Message | None = None,
    also: Mapping[str, Any] | None = None,
) -> None:
    """Move one task (writing `also` with it), refusing what the table forbids, and append
    the audit event."""
    settle(uow, task, target, now, also)
    record(uow, task, actor, now, trigger, reason)


def release(
    uow: UnitOfWork, task: ReviewTask, *, actor: Actor, now: datetime, reason: str | Message
) -> None:
    """Hand a task back to its department's queue, unassigned (a person's release or an
    overdue task's), audited."""
    move(
        uow,
        task,
        TASK_OPEN,
        actor=actor,
        now=now,
        trigger="release_task",
        reason=reason,
        also=UNASSIGNED,
    )


def settle(
    uow: UnitOfWork,
    task: ReviewTask,
    target: str,
    now: datetime,
    also: Mapping[str, Any] | None = None,
) -> None:
    """Move one task without an event, and write it at once with the other columns given
    (`also`: its assignee, outcome, opinion): the caller appends the event (a completion's
    is one event, with the nomination's transition when the stage decides)."""
    LIFECYCLE.check(task.id, task.status, target)
    values = {**(also or {}), "status": target}
    if target in (TASK_DONE, TASK_CANCELLED):
        values["completed_at"] = now
    write_now(uow, task, values)


def facts(task: ReviewTask) -> dict[str, Any]:
    """What an audit event about a task records of it (in its payload)."""
    return {"task_id": task.id, "department": task.department, "stage": task.stage}


def record(
    uow: UnitOfWork,
    task: ReviewTask,
    actor: Actor,
    now: datetime,
    trigger: str,
    reason: str | Message | None = None,
) -> None:
    """Append an audit event about one task (a move, or a refused one such as a recusal)."""
    text, payload = reason_fields(reason, facts(task))
    audit.append(
        uow,
        now,
        audit.AuditEntry.by(
            actor,
            trigger=trigger,
            campaign_id=task.campaign_id,
            nomination_id=task.nomination_id,
            reason=text,
            payload=payload,
        ),
    )


def cancel_live(uow: UnitOfWork, nomination_id: int, stage: str, now: datetime) -> None:
    """Cancel a nomination's open and claimed tasks of a stage it leaves (one statement)."""
    direct.execute(
        uow.session,
        _CANCEL_LIVE,
        {"of_nomination": nomination_id, "of_stage": stage, "cancelled_at": now},
    )
