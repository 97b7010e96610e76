"""Review tasks as people read them: queues, the inbox, one task.

Every entry point lists and opens tasks here: a reviewer sees its own department's tasks
for its own role (anything else is NotFound), a recused reviewer sees a task of its queue
without the nominee, and opening such a task is refused and audited once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import lazyload

from models import Nomination, ReviewTask
from models.reviews import TASK_CLAIMED, TASK_OPEN
from models.uow import UnitOfWork
from workflow.access import (
    declared_conflicts,
    is_recused,
    may_list_queue,
    require_reviewer,
    task_filter,
    visible_task,
)
from workflow.access.reads import readable_task
from workflow.actors import Actor
from workflow.queries.nominations import NominationView, build_view
from workflow.queries.paging import Paged, page

LIVE = (TASK_OPEN, TASK_CLAIMED)


@dataclass(frozen=True)
class TaskRow:
    """A task as a queue lists it; a recused reviewer sees no nominee detail."""

    task: ReviewTask
    nominee: str | None
    unit: str | None
    recused: bool
    overdue: bool
    mine: bool


@dataclass(frozen=True)
class TaskView:
    """One task with its nomination, as the reviewer may see it."""

    row: TaskRow
    view: NominationView


def holds(actor: Actor, task: ReviewTask) -> bool:
    """Whether the actor is the one who claimed the task (by account; see Actor.same_person)."""
    return task.status == TASK_CLAIMED and actor.same_person(task.assignee_user_id, task.assignee)


def _mine(actor: Actor) -> ColumnElement[bool]:
    if actor.user_id is not None:
        return ReviewTask.assignee_user_id == actor.user_id
    return and_(ReviewTask.assignee_user_id.is_(None), ReviewTask.assignee == actor.name)


def _live_query(actor: Actor, department: str | None = None) -> Select[ReviewTask]:
    query = (
        select(ReviewTask)
        .where(task_filter(actor), ReviewTask.status.in_(LIVE))
        .order_by(ReviewTask.due_at, ReviewTask.id)
    )
    return query if department is None else query.where(ReviewTask.department == department)


def rows_of(uow: UnitOfWork, actor: Actor, tasks: list[ReviewTask], now: datetime) -> list[TaskRow]:
    """The rows of these tasks: their nominations and the actor's conflicts in one query each."""
    nominations = task_nominations(uow, tasks)
    conflicts = declared_conflicts(uow.session, actor.user_id, nominations)
    return [
        _row(actor, t, nominations[t.nomination_id], now, t.nomination_id in conflicts)
        for t in tasks
    ]


def _row(
    actor: Actor, task: ReviewTask, nomination: Nomination, now: datetime, declared: bool | None
) -> TaskRow:
    recused = is_recused(actor, nomination, declared)
    return TaskRow(
        task,
        None if recused else nomination.name,
        None if recused else nomination.unit.name,
        recused,
        bool(task.due_at and task.due_at < now and task.status in LIVE),
        holds(actor, task),
    )


def list_tasks(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    mine: bool = False,
    campaign_id: int | None = None,
    department: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Paged[TaskRow]:
    """Open and claimed tasks the actor may see, soonest due first (`mine`: claimed by them)."""
    query = _live_query(actor, may_list_queue(actor, department) if department else None)
    if mine:
        query = query.where(ReviewTask.status == TASK_CLAIMED, _mine(actor))
    if campaign_id is not None:
        query = query.where(ReviewTask.campaign_id == campaign_id)
    found = page(uow, query, limit, offset)
    return Paged(found.total, rows_of(uow, actor, found.items, now))


def inbox(uow: UnitOfWork, actor: Actor, now: datetime, limit: int = 200) -> list[TaskRow]:
    """A reviewer's inbox: the live tasks of their department (every department for an admin)."""
    require_reviewer(actor)
    return list_tasks(uow, actor, now, limit=limit).items


def task_nominations(uow: UnitOfWork, tasks: list[ReviewTask]) -> dict[int, Nomination]:
    """The nominations of these tasks by id, in one query (not one per task).

    With their unit, which the queue shows; their campaign and definition version (each row
    would carry the definition's whole source twice) load only if something asks for them.
    """
    ids = {task.nomination_id for task in tasks}
    if not ids:
        return {}
    rows = uow.session.scalars(
        select(Nomination)
        .where(Nomination.id.in_(ids))
        .options(lazyload(Nomination.campaign), lazyload(Nomination.definition))
    )
    return {n.id: n for n in rows.unique()}


def task_row(uow: UnitOfWork, actor: Actor, task_id: int, now: datetime) -> TaskRow:
    """A task of the actor's queue as the queue shows it (after acting on it); NotFound else."""
    return rows_of(uow, actor, [visible_task(uow, actor, task_id)], now)[0]


def task_detail(uow: UnitOfWork, actor: Actor, task_id: int, now: datetime) -> TaskView:
    """One task and its nomination; NotFound outside the queue, Recused (audited) if recused."""
    task, nomination = readable_task(uow, actor, task_id, "view_task", now)
    row = _row(actor, task, nomination, now, False)
    return TaskView(row, build_view(uow, actor, nomination, now))
