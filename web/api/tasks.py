"""The review queue: my department's tasks, one task, claim, release, complete."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from models import Nomination, ReviewTask
from web.api.nomination_models import NominationOut, nomination_out
from web.api.schemas import TransitionOut, transition_out
from web.deps import CurrentActor, Now, Uow
from workflow.actors import Actor
from workflow.errors import Recused
from workflow.permissions import check_recusal, declared_conflicts
from workflow.repository import commit, get
from workflow.services import browse, reviews, transitions
from workflow.services.visibility import visible_task

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


class CompleteIn(BaseModel):
    outcome: Literal["pass", "fail", "return", "clear", "object"]
    opinion: str = Field(min_length=1, max_length=5000)


class CompleteOut(BaseModel):
    task: TaskOut
    transition: TransitionOut | None


def _recused(actor: Actor, nomination: Nomination, declared: bool | None = None) -> bool:
    try:
        check_recusal(actor, nomination, declared)
    except Recused:
        return True
    return False


def task_out(
    task: ReviewTask,
    nomination: Nomination,
    actor: Actor,
    now: datetime,
    declared: bool | None = None,
) -> TaskOut:
    """A task as the queue shows it; a recused reviewer does not see who it is about.

    `declared`: whether the actor declared a conflict with the nomination, if already known.
    """
    recused = _recused(actor, nomination, declared)
    return TaskOut(
        id=task.id,
        nomination_id=task.nomination_id,
        campaign_id=task.campaign_id,
        stage=task.stage,
        department=task.department,
        role=task.role,
        status=task.status,
        assignee=task.assignee,
        outcome=task.outcome,
        due_at=task.due_at,
        created_at=task.created_at,
        completed_at=task.completed_at,
        overdue=bool(task.due_at and task.due_at < now and task.status in ("open", "claimed")),
        recused=recused,
        nominee=None if recused else nomination.name,
        unit=None if recused else nomination.unit.name,
    )


@router.get("/tasks", response_model=TaskPage)
def list_tasks(
    uow: Uow,
    actor: CurrentActor,
    now: Now,
    mine: bool = False,
    campaign_id: int | None = Query(default=None, ge=1),
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = Query(default=0, ge=0, le=1_000_000),
) -> TaskPage:
    """Open and claimed tasks of your department, soonest due first (`mine`: claimed by you)."""
    page = browse.list_tasks(
        uow, actor, mine=mine, campaign_id=campaign_id, limit=limit, offset=offset
    )
    # One query for the page's nominations and one for the reviewer's conflicts, not two per task.
    nominations = browse.task_nominations(uow, page.items)
    conflicts = declared_conflicts(uow.session, actor.user_id, nominations)
    items = [
        task_out(
            t,
            nominations[t.nomination_id],
            actor,
            now,
            declared=t.nomination_id in conflicts,
        )
        for t in page.items
    ]
    return TaskPage(total=page.total, limit=limit, offset=offset, items=items)


@router.get("/tasks/{task_id}", response_model=TaskDetail)
def task_detail(task_id: int, uow: Uow, actor: CurrentActor, now: Now) -> TaskDetail:
    """One task with its nomination; a recused reviewer is refused (and that is audited)."""
    task = visible_task(uow, actor, task_id)
    nomination = get(uow, Nomination, task.nomination_id, "nomination")
    try:
        check_recusal(actor, nomination)
    except Recused as recused:
        transitions.record_refusal(uow, nomination.id, "view_task", actor, now, recused)
        commit(uow)  # the recusal is kept
        raise
    return TaskDetail(
        **task_out(task, nomination, actor, now).model_dump(),
        opinion=task.opinion,
        nomination=nomination_out(nomination),
    )


def _answer(uow: Uow, task: ReviewTask, actor: Actor, now: datetime) -> TaskOut:
    return task_out(task, get(uow, Nomination, task.nomination_id, "nomination"), actor, now)


@router.post("/tasks/{task_id}/claim", response_model=TaskOut)
def claim(task_id: int, uow: Uow, actor: CurrentActor, now: Now) -> TaskOut:
    """Take an open task of your department."""
    visible_task(uow, actor, task_id)
    return _answer(uow, reviews.claim(uow, task_id, actor, now), actor, now)


@router.post("/tasks/{task_id}/release", response_model=TaskOut)
def release(task_id: int, uow: Uow, actor: CurrentActor, now: Now) -> TaskOut:
    """Hand a task you claimed back to the queue."""
    visible_task(uow, actor, task_id)
    return _answer(uow, reviews.release(uow, task_id, actor, now), actor, now)


@router.post("/tasks/{task_id}/complete", response_model=CompleteOut)
def complete(
    task_id: int, body: CompleteIn, uow: Uow, actor: CurrentActor, now: Now
) -> CompleteOut:
    """Record your outcome and written opinion; the nomination moves when the stage decides."""
    visible_task(uow, actor, task_id)
    result = reviews.complete(uow, task_id, actor, body.outcome, body.opinion, now)
    task = get(uow, ReviewTask, task_id, "task")
    return CompleteOut(
        task=_answer(uow, task, actor, now),
        transition=transition_out(result) if result else None,
    )
