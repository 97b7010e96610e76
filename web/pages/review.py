"""Reviewers' pages: the inbox (filters, search, pages), one task, claim, release, answer.

A veto (否决) is never sent in one click: choosing it shows a second page that restates what
a veto does, with the written reason, and only its 确认否决 button records it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from models.uow import UnitOfWork
from web.deps import Now, Uow, csrf_check
from web.pages.context import LoggedIn, Viewer
from web.pages.helpers import page_globals, refusal, say, status_for
from web.pages.render import render
from web.task_filter import TaskQuery
from workflow.errors import HonorflowError, InvalidInput, PermissionDenied
from workflow.queries import tasks as read
from workflow.queries.attachments import panel as attachment_panel
from workflow.queries.tasks import PAGE_SIZES
from workflow.services import reviews, users
from workflow.services.definitions import definition_of
from workflow.stages.registry import outcomes_of

router = APIRouter()

# The inbox's own parameters besides the filter's (kept when a page link is built).
FILTER_KEYS = ("campaign_id", "stage", "state", "overdue", "unit", "category", "q", "per")


@router.get("/inbox")
def inbox_page(
    request: Request,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    where: TaskQuery,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per: Annotated[int, Query(ge=1, le=PAGE_SIZES[-1])] = 25,
) -> Response:
    """One page of my department's live tasks, filtered and searched, soonest due first."""
    size = min((s for s in PAGE_SIZES if s >= per), default=PAGE_SIZES[-1])
    found = read.inbox(uow, viewer.actor, now, where, limit=size, offset=(page - 1) * size)
    pages = max(1, -(-found.total // size))
    done = request.query_params.get("done", "")
    context = {
        "rows": found.items,
        "total": found.total,
        "page": page,
        "pages": pages,
        "per": size,
        "page_sizes": PAGE_SIZES,
        "where": where,
        "counts": read.task_counts(uow, viewer.actor, now),
        "choices": read.inbox_choices(uow, viewer.actor),
        "link": _linker(request),
        "here": _here(request),
        "message": say(request, "flash_task_done", id=done) if done.isdigit() else None,
        **page_globals(uow, viewer),
    }
    return render(request, "inbox.html", context)


def _linker(request: Request) -> Callable[..., str]:
    """`link(**changes)`: this inbox's address with some parameters changed (None drops one)."""
    kept = {k: v for k, v in request.query_params.items() if k in FILTER_KEYS and v}

    def link(**changes: object) -> str:
        values = {**kept, **{k: str(v) for k, v in changes.items() if v is not None}}
        for key in [k for k, v in changes.items() if v is None]:
            values.pop(key, None)
        return "/inbox" + (f"?{urlencode(values)}" if values else "")

    return link


def _here(request: Request) -> str:
    """Where a form on the inbox comes back to: this very page of the inbox."""
    query = request.url.query
    return "/inbox" + (f"?{query}" if query else "")


def _back(back: str, task_id: int) -> str:
    """A page of the inbox to return to, else the task (never another site or page)."""
    if back == "/inbox" or back.startswith("/inbox?"):
        return back
    return f"/tasks/{task_id}"


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
    released = request.query_params.get("released") == "1"
    context = {
        "task": task,
        "view": view,
        "n": view.nomination,
        "definition": definition,
        "outcomes": list(outcomes_of(kind)),
        "overdue": found.row.overdue,
        "mine": found.row.mine,
        "attachments": attachment_panel(uow, viewer.actor, view.nomination),
        "opinion": opinion,
        "error": error,
        "message": say(request, "flash_task_released", id=task.id) if released else None,
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


@router.post("/tasks/{task_id}/release", dependencies=[Depends(csrf_check)])
def release(
    request: Request,
    task_id: int,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    back: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Hand a task I claimed back to my department's queue (403 if someone else holds it)."""
    read.task_row(uow, viewer.actor, task_id, now)  # NotFound outside my queue
    try:
        reviews.release(uow, task_id, viewer.actor, now)
    except HonorflowError as refused:
        if isinstance(refused, PermissionDenied):
            raise
        return _task_page(
            request, uow, viewer, task_id, now, error=refusal(request, refused),
            status=status_for(refused),
        )  # fmt: skip
    target = _back(back, task_id)
    return RedirectResponse(target + ("" if target.startswith("/inbox") else "?released=1"), 303)


def _confirm_veto(
    request: Request,
    uow: UnitOfWork,
    viewer: Viewer,
    row: read.TaskRow,
    outcome: str,
    opinion: str,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The second screen of a veto: what it does, the reason, 确认否决 or 返回."""
    context = {
        "row": row,
        "task": row.task,
        "outcome": outcome,
        "opinion": opinion,
        "error": error,
        **page_globals(uow, viewer),
    }
    return render(request, "task_veto.html", context, status)


@router.post("/tasks/{task_id}/complete", dependencies=[Depends(csrf_check)])
def complete(
    request: Request,
    task_id: int,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    outcome: Annotated[str, Form(max_length=20)],
    opinion: Annotated[str, Form(max_length=4000)] = "",
    confirmed: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Record the outcome and opinion; a veto is confirmed on a second screen first; a refusal
    is shown on the page it came from, with its reasons."""
    row = read.task_row(uow, viewer.actor, task_id, now)  # NotFound outside my queue
    veto = outcome in read.vetoes_of(uow, viewer.actor, task_id)
    if veto and confirmed != "yes" and not row.recused:  # the recused are refused below
        return _confirm_veto(request, uow, viewer, row, outcome, opinion)
    try:
        reviews.complete(uow, task_id, viewer.actor, outcome, opinion, now)
    except HonorflowError as refused:
        if isinstance(refused, PermissionDenied):
            raise
        words, status = refusal(request, refused), status_for(refused)
        if veto and isinstance(refused, InvalidInput):
            return _confirm_veto(
                request, uow, viewer, row, outcome, opinion, error=words, status=status
            )
        return _task_page(
            request, uow, viewer, task_id, now, error=words, opinion=opinion, status=status
        )
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
