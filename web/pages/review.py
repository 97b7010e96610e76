"""Reviewers' pages: the inbox (my tasks, my department's queue) and acting on one task."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from models.uow import UnitOfWork
from web.deps import Now, Uow, csrf_check
from web.pages.context import LoggedIn, Viewer
from web.pages.helpers import page_globals, refusal, say, status_for
from web.pages.render import render
from workflow.errors import HonorflowError, PermissionDenied
from workflow.queries import tasks as read
from workflow.queries.attachments import panel as attachment_panel
from workflow.services import reviews, users
from workflow.services.definitions import definition_of
from workflow.stages.registry import outcomes_of

router = APIRouter()


@router.get("/inbox")
def inbox_page(request: Request, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """My claimed tasks and my department's open queue, soonest due first."""
    rows = read.inbox(uow, viewer.actor, now)
    mine = [r for r in rows if r.mine]
    queue = [r for r in rows if not r.mine]
    done = request.query_params.get("done", "")
    message = say(request, "flash_task_done", id=done) if done.isdigit() else None
    context = {"mine": mine, "queue": queue, "message": message, **page_globals(uow, viewer)}
    return render(request, "inbox.html", context)


def _task_page(
    request: Request,
    uow: UnitOfWork,
    viewer: Viewer,
    task_id: int,
    now: datetime,
    *,
    error: str | None = None,
    opinion: str = "",
    status: int = 200,
) -> Response:
    # NotFound outside the reviewer's queue; Recused (audited once) for a recused reviewer.
    found = read.task_detail(uow, viewer.actor, task_id, now)
    task, view = found.row.task, found.view
    definition = definition_of(view.nomination.definition)
    kind = definition.stage(task.stage).kind
    context = {
        "task": task,
        "view": view,
        "n": view.nomination,
        "definition": definition,
        "outcomes": list(outcomes_of(kind)),
        "overdue": found.row.overdue,
        "attachments": attachment_panel(uow, viewer.actor, view.nomination),
        "opinion": opinion,
        "error": error,
        **page_globals(uow, viewer),
    }
    return render(request, "task.html", context, status)


@router.get("/tasks/{task_id}")
def task_page(request: Request, task_id: int, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """One task: the nominee, the rule results, the opinion and the outcome buttons."""
    return _task_page(request, uow, viewer, task_id, now)


@router.post("/tasks/{task_id}/claim", dependencies=[Depends(csrf_check)])
def claim(task_id: int, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """Take an open task of my department."""
    read.task_row(uow, viewer.actor, task_id, now)  # NotFound outside my queue
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
    read.task_row(uow, viewer.actor, task_id, now)  # NotFound outside my queue
    try:
        reviews.complete(uow, task_id, viewer.actor, outcome, opinion, now)
    except HonorflowError as refused:
        if isinstance(refused, PermissionDenied):
            raise
        return _task_page(
            request, uow, viewer, task_id, now, error=refusal(request, refused), opinion=opinion,
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
    row = read.task_row(uow, viewer.actor, task_id, now)  # NotFound outside my queue
    users.declare_conflict(uow, viewer.user, row.task.nomination_id, reason, now)
    return RedirectResponse("/inbox", status_code=303)
