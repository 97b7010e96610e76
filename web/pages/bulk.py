"""Bulk actions from the pages: the office list's action bar and the unit's 报送所选.

Both post the ticked nominations to the one bulk path (`workflow.services.bulk.act_on_each`),
which acts on each in its own transaction, and show a result per nomination. The request's
unit of work (which read the viewer) holds no transaction while the items are acted on: each
item opens a unit of work of its own, and the page is read afterwards.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from models.uow import UnitOfWork
from web.deps import Now, Uow, csrf_check
from web.pages.context import LoggedIn, Viewer
from web.pages.helpers import page_globals, refusal
from web.pages.render import render
from workflow.queries.nomination_search import BadInput
from workflow.services import bulk

router = APIRouter()
MAX_IDS = bulk.MAX_ITEMS


def _results(
    request: Request,
    uow: UnitOfWork,
    viewer: Viewer,
    trigger: str,
    ids: list[int],
    reason: str | None,
    now: datetime,
    back: str,
) -> Response:
    wiring = request.app.state.wiring
    error, status, results = None, 200, []
    try:
        selection = bulk.Selection(tuple(ids))
        results = bulk.act_on_each(wiring.new_uow, viewer.actor, selection, trigger, now,
                                   reason=reason or None)  # fmt: skip
    except BadInput as bad:
        error, status = refusal(request, bad), 422
    done, refused = bulk.summary(results)
    with uow.reading():  # the request's unit of work: the page is read without the write lock
        context = {
            "trigger": trigger,
            "results": results,
            "done": done,
            "refused": refused,
            "back": back,
            "error": error,
            **page_globals(uow, viewer),
        }
        return render(request, "bulk_result.html", context, status)


def _back(query: str) -> str:
    """The office list with the filter it was left at (a query string only, never a site)."""
    return "/office/nominations" + ("?" + query.lstrip("?") if query.strip("?") else "")


@router.post("/office/nominations/bulk", dependencies=[Depends(csrf_check)])
def office_bulk(
    request: Request,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    trigger: Annotated[str, Form(min_length=1, max_length=40)],
    ids: Annotated[list[int], Form(max_length=MAX_IDS)] = [],  # noqa: B006 (FastAPI reads it)
    reason: Annotated[str, Form(max_length=bulk.MAX_REASON)] = "",
    back: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The working team's bulk action on the ticked nominations: a result per nomination."""
    return _results(request, uow, viewer, trigger, ids, reason, now, _back(back))


@router.post("/unit/nominations/submit-selected", dependencies=[Depends(csrf_check)])
def unit_submit_selected(
    request: Request,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    ids: Annotated[list[int], Form(max_length=MAX_IDS)] = [],  # noqa: B006 (FastAPI reads it)
) -> Response:
    """A unit submits the ticked drafts at once: a result per nomination."""
    return _results(request, uow, viewer, "submit", ids, None, now, "/unit")
