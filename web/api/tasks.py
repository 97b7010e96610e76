"""The review queue: my department's tasks, one task, claim, release, complete."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from models.uow import UnitOfWork
from web.api.nomination_models import NominationOut, nomination_out
from web.api.schemas import TransitionOut, transition_out
from web.deps import CurrentActor, Now, ReadActor, ReadUow, Uow, off_the_loop
from web.task_filter import TaskQuery
from workflow.actors import Actor
from workflow.clean_text import CleanLongText
from workflow.queries import tasks as read
from workflow.queries.tasks import TaskFilter, TaskRow
from workflow.services import reviews

router = APIRouter(tags=["tasks"])


class TaskOut(BaseModel):
    id: int
    nomination_id: int
    campaign_id: int
    stage: str
    department: str
    role: str
    status: str
    assignee: str | None
    assignee_user_id: int | None
    outcome: str | None
    due_at: datetime | None
    created_at: datetime
    completed_at: datetime | None
    overdue: bool
    recused: bool
    nominee: str | None
    unit: str | None


class TaskPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[TaskOut]


class TaskDetail(TaskOut):
    opinion: str | None
    nomination: NominationOut
    # The nominee's stored facts as you may see them (identity number and phone masked unless
    # your role or department may read them; each full view by a department is audited).
    facts: dict[str, Any]


class CompleteIn(BaseModel):
    outcome: Literal["pass", "fail", "return", "clear", "object"]
    opinion: CleanLongText = Field(min_length=1, max_length=5000)


class CompleteOut(BaseModel):
    task: TaskOut
    transition: TransitionOut | None


def task_out(row: TaskRow) -> TaskOut:
    """A task as the queue shows it; a recused reviewer does not see who it is about."""
    task = row.task
    return TaskOut(
        id=task.id,
        nomination_id=task.nomination_id,
        campaign_id=task.campaign_id,
        stage=task.stage,
        department=task.department,
        role=task.role,
        status=task.status,
        assignee=task.assignee,
        assignee_user_id=task.assignee_user_id,
        outcome=task.outcome,
        due_at=task.due_at,
        created_at=task.created_at,
        completed_at=task.completed_at,
        overdue=row.overdue,
        recused=row.recused,
        nominee=row.nominee,
        unit=row.unit,
    )


@router.get("/tasks", response_model=TaskPage)
async def list_tasks(
    uow: ReadUow,
    actor: ReadActor,
    now: Now,
    where: TaskQuery,
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = Query(default=0, ge=0, le=1_000_000),
) -> TaskPage:
    """Open and claimed tasks of your department, soonest due first, filtered as the inbox
    filters them: `campaign_id`, `stage`, `state` (open, claimed, mine; `mine=true` too),
    `overdue`, `unit`, `category`, and `q` (part of the nominee's name or employer)."""
    # Async, with the read and the answer's model in one worker thread (web.deps, ReadUow).
    return await off_the_loop(_task_page, uow, actor, now, where, limit, offset)


def _task_page(
    uow: UnitOfWork, actor: Actor, now: datetime, where: TaskFilter, limit: int, offset: int
) -> TaskPage:
    page = read.list_tasks(uow, actor, now, where, limit=limit, offset=offset)
    items = [task_out(row) for row in page.items]
    return TaskPage(total=page.total, limit=limit, offset=offset, items=items)


@router.get("/tasks/{task_id}", response_model=TaskDetail)
def task_detail(task_id: int, uow: Uow, actor: CurrentActor, now: Now) -> TaskDetail:
    """One task with its nomination; a recused reviewer is refused (and that is audited)."""
    found = read.task_detail(uow, actor, task_id, now)
    return TaskDetail(
        **task_out(found.row).model_dump(),
        opinion=found.task.opinion,
        nomination=nomination_out(found.view.nomination),
        facts=found.view.shown_facts,
    )


@router.post("/tasks/{task_id}/claim", response_model=TaskOut)
def claim(task_id: int, uow: Uow, actor: CurrentActor, now: Now) -> TaskOut:
    """Take an open task of your department."""
    read.task_row(uow, actor, task_id, now)  # NotFound outside your queue
    reviews.claim(uow, task_id, actor, now)
    return task_out(read.task_row(uow, actor, task_id, now))


@router.post("/tasks/{task_id}/release", response_model=TaskOut)
def release(task_id: int, uow: Uow, actor: CurrentActor, now: Now) -> TaskOut:
    """Hand a task you claimed back to the queue."""
    read.task_row(uow, actor, task_id, now)  # NotFound outside your queue
    reviews.release(uow, task_id, actor, now)
    return task_out(read.task_row(uow, actor, task_id, now))


@router.post("/tasks/{task_id}/complete", response_model=CompleteOut)
def complete(
    task_id: int, body: CompleteIn, uow: Uow, actor: CurrentActor, now: Now
) -> CompleteOut:
    """Record your outcome and written opinion; the nomination moves when the stage decides."""
    read.task_row(uow, actor, task_id, now)  # NotFound outside your queue
    result = reviews.complete(uow, task_id, actor, body.outcome, body.opinion, now)
    return CompleteOut(
        task=task_out(read.task_row(uow, actor, task_id, now)),
        transition=transition_out(result) if result else None,
    )
