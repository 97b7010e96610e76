"""Reviewers' pages: the inbox (my tasks, my department's queue) and acting on one task."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from models import ReviewTask
from web.deps import Now, Uow, csrf_check
from web.pages.context import LoggedIn, Viewer, require
from web.pages.helpers import page_globals, say, status_for
from web.pages.render import render
from workflow.errors import HonorflowError, PermissionDenied
from workflow.repository import get
from workflow.services import reviews, users
from workflow.services.definitions import definition_of
from workflow.services.views import nomination_view
from workflow.services.views_lists import inbox
from workflow.stages.registry import outcomes_of

router = APIRouter()
REVIEWERS = ("team_reviewer", "department_reviewer", "committee_secretary")


@router.get("/inbox")
def inbox_page(request: Request, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """My claimed tasks and my department's open queue, soonest due first."""
    require(viewer, *REVIEWERS)
    rows = inbox(uow, viewer.actor, now)
    mine = [r for r in rows if r.task.status == "claimed" and r.task.assignee == viewer.actor.name]
    queue = [r for r in rows if r not in mine]
    done = request.query_params.get("done", "")
    message = say(request, "flash_task_done", id=done) if done.isdigit() else None
    context = {"mine": mine, "queue": queue, "message": message, **page_globals(uow, viewer)}
    return render(request, "inbox.html", context)


def _task_for(uow: Any, viewer: Viewer, task_id: int) -> ReviewTask:
    task = get(uow, ReviewTask, task_id, "task")
    actor = viewer.actor
    if not actor.is_privileged and (actor.department != task.department or actor.role != task.role):
        raise PermissionDenied(f"task {task.id} belongs to {task.department}")
    return task


def _task_page(
    request: Request,
    uow: Any,
    viewer: Viewer,
    task: ReviewTask,
    now: Any,
    *,
    error: str | None = None,
    opinion: str = "",
    status: int = 200,
) -> Response:
    view = nomination_view(uow, task.nomination_id, viewer.actor)  # refuses a recused reviewer
    definition = definition_of(view.nomination.definition)
    kind = definition.stage(task.stage).kind
    context = {
        "task": task,
        "view": view,
        "n": view.nomination,
        "definition": definition,
        "outcomes": list(outcomes_of(kind)),
        "overdue": bool(task.due_at and task.due_at < now),
        "opinion": opinion,
        "error": error,
        **page_globals(uow, viewer),
    }
    return render(request, "task.html", context, status)


@router.get("/tasks/{task_id}")
def task_page(request: Request, task_id: int, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """One task: the nominee, the rule results, the opinion and the outcome buttons."""
    require(viewer, *REVIEWERS)
    return _task_page(request, uow, viewer, _task_for(uow, viewer, task_id), now)


@router.post("/tasks/{task_id}/claim", dependencies=[Depends(csrf_check)])
def claim(task_id: int, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """Take an open task of my department."""
    require(viewer, *REVIEWERS)
    reviews.claim(uow, task_id, viewer.actor, now)
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


@router.post("/tasks/{task_id}/complete", dependencies=[Depends(csrf_check)])
def complete(
    request: Request,
    task_id: int,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    outcome: Annotated[str, Form(max_length=20)],
    opinion: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Record the outcome and opinion; a refusal is shown on the task page with its reasons."""
    require(viewer, *REVIEWERS)
    try:
        reviews.complete(uow, task_id, viewer.actor, outcome, opinion, now)
    except HonorflowError as refused:
        if isinstance(refused, PermissionDenied):
            raise
        task = _task_for(uow, viewer, task_id)
        return _task_page(
            request, uow, viewer, task, now, error=str(refused), opinion=opinion,
            status=status_for(refused),
        )  # fmt: skip
    return RedirectResponse(f"/inbox?done={task_id}", status_code=303)


@router.post("/tasks/{task_id}/conflict", dependencies=[Depends(csrf_check)])
def declare_conflict(
    task_id: int,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    reason: Annotated[str, Form(max_length=500)],
) -> Response:
    """Stand aside from the task's nomination; the reason goes into the audit."""
    require(viewer, *REVIEWERS)
    task = _task_for(uow, viewer, task_id)
    users.declare_conflict(uow, viewer.user, task.nomination_id, reason, now)
    return RedirectResponse("/inbox", status_code=303)
