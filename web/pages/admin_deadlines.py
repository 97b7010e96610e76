"""The administrators' deadline page: the list with its filters, and a retry for failed ones."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from web.deps import Now, Uow, csrf_check
from web.pages.context import LoggedIn
from web.pages.helpers import page_globals, refusal, say, status_for
from web.pages.render import render
from workflow.errors import HonorflowError
from workflow.queries import deadline_list
from workflow.queries.campaigns import campaigns_newest_first
from workflow.services import deadlines

router = APIRouter()
Typed = Annotated[str, Query(max_length=40)]


@router.get("/admin/deadlines")
def deadlines_page(
    request: Request,
    viewer: LoggedIn,
    uow: Uow,
    kind: Typed = "",
    campaign: Annotated[str, Query(max_length=60)] = "",
    status: Typed = "",
    due_after: Typed = "",
    due_before: Typed = "",
) -> Response:
    """Deadlines filtered by kind, campaign, status and due time (Beijing time when typed)."""
    form = {"kind": kind, "campaign": campaign, "status": status,
            "due_after": due_after, "due_before": due_before}  # fmt: skip
    wanted = deadline_list.parse_filter(
        kind=kind, campaign=campaign, status=status, due_after=due_after, due_before=due_before
    )
    rows = deadline_list.list_deadlines(uow, viewer.actor, wanted)
    return _page(request, uow, viewer, rows, form)


@router.post("/admin/deadlines/{deadline_id}/retry", dependencies=[Depends(csrf_check)])
def retry_deadline(
    deadline_id: int,
    request: Request,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
) -> Response:
    """Put one failed deadline back to pending; the next sweep fires it."""
    try:
        deadlines.retry(uow, [deadline_id], viewer.actor, now)
    except HonorflowError as refused:
        rows = deadline_list.failed(uow, viewer.actor)
        error = refusal(request, refused)
        return _page(request, uow, viewer, rows, {"status": "failed"}, error, status_for(refused))
    rows = deadline_list.failed(uow, viewer.actor)
    message = say(request, "deadline_retried", id=deadline_id)
    return _page(request, uow, viewer, rows, {"status": "failed"}, message=message)


def _page(
    request: Request,
    uow: Uow,
    viewer: LoggedIn,
    rows: list[deadline_list.DeadlineRow],
    form: dict[str, str],
    error: str | None = None,
    status: int = 200,
    message: str | None = None,
) -> Response:
    context = {
        "rows": rows,
        "form": form,
        "kinds": deadline_list.KINDS,
        "statuses": deadline_list.STATUSES,
        "campaigns": campaigns_newest_first(uow),
        "error": error,
        "message": message,
        **page_globals(uow, viewer),
    }
    return render(request, "admin_deadlines.html", context, status)
