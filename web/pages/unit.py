"""The recommending unit's page: its nominations, the form import, returns and objections."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from config.catalogue import msg
from models.uow import UnitOfWork
from web.deps import Now, Uow, clock, csrf_check, off_the_loop
from web.pages.context import LoggedIn, Viewer
from web.pages.helpers import page_globals, refusal, say, status_for
from web.pages.render import render
from workflow import importing
from workflow.errors import (
    HonorflowError,
    ImportFailed,
    ImportTooLarge,
    NotFound,
    PermissionDenied,
)
from workflow.queries.campaigns import current_campaign
from workflow.queries.nominations import unit_nominations
from workflow.queries.objections import open_for_unit
from workflow.queries.unit_desk import UnitDesk, unit_desk
from workflow.services import campaigns, nominations
from workflow.services.actions import act

router = APIRouter()
SUFFIXES = (".csv", ".xlsx")


def _desk(uow: UnitOfWork, viewer: Viewer, now: datetime) -> UnitDesk | None:
    """The unit's deadline, places and window; None without a campaign or a unit's role."""
    try:
        return unit_desk(uow, viewer.actor, current_campaign(uow), now)
    except (NotFound, PermissionDenied):
        return None


def _page(
    request: Request, uow: UnitOfWork, viewer: Viewer, status: int = 200, **extra: Any
) -> Response:
    rows = unit_nominations(uow, viewer.actor)
    now = clock(request)
    context = {
        "desk": _desk(uow, viewer, now),
        "correctable": {n.id for n in rows if nominations.correctable(n.status)},
        "unit_code": None if viewer.actor.is_privileged else viewer.actor.unit_code,
        "nominations": rows,
        "returned": [n for n in rows if n.status.endswith("_returned")],
        "drafts": [n for n in rows if n.status == "draft"],
        "objections": open_for_unit(uow, viewer.actor),
        "row_errors": [],
        **page_globals(uow, viewer),
        **extra,
    }
    return render(request, "unit.html", context, status)


@router.get("/unit")
def unit_page(request: Request, viewer: LoggedIn, uow: Uow) -> Response:
    """The unit's nominations and what waits for its answer."""
    done = request.query_params.get("done")
    message = (
        say(request, f"unit_done_{done}")
        if done in ("resubmit", "submit", "finding", "created", "corrected")
        else None
    )
    return _page(request, uow, viewer, message=message)


@router.post("/unit/import", dependencies=[Depends(csrf_check)])
async def import_form(
    request: Request, viewer: LoggedIn, uow: Uow, now: Now, file: Annotated[UploadFile, File()]
) -> Response:
    """Import the unit's form (CSV or XLSX); any bad row refuses the whole file, all are listed."""
    name = Path(file.filename or "form.csv").name
    data = await file.read(importing.MAX_BYTES + 1)
    return await off_the_loop(_imported_page, request, viewer, uow, now, name, data)


def _imported_page(
    request: Request, viewer: Viewer, uow: UnitOfWork, now: datetime, name: str, data: bytes
) -> Response:
    """Parse and store the form in a worker thread (reading a workbook is CPU work)."""
    if len(data) > importing.MAX_BYTES:
        return _page(request, uow, viewer, 413, error=say(request, "file_too_large"))
    if not name.lower().endswith(SUFFIXES):
        return _page(request, uow, viewer, 422, error=say(request, "import_csv_or_xlsx"))
    try:
        campaign = campaigns.open_campaign(uow)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            ids = nominations.import_nominations(uow, campaign.id, path, viewer.actor, now)
    except ImportFailed as refused:  # the first bad cells, and how many more (README)
        head = say(request, "import_refused", n=refused.total)
        status = 413 if isinstance(refused, ImportTooLarge) else 422
        more = msg("import.more_errors", n=refused.more) if refused.more else None
        return _page(request, uow, viewer, status, error=head, row_errors=refused.errors, more=more)
    except HonorflowError as refused:
        return _page(request, uow, viewer, status_for(refused), error=refusal(request, refused))
    return _page(request, uow, viewer, message=say(request, "import_done", n=len(ids)))


def _act(
    request: Request, uow: UnitOfWork, viewer: Viewer, nomination_id: int, trigger: str,
    now: Any, reason: str | None,
) -> Response:  # fmt: skip
    try:
        act(uow, viewer.actor, nomination_id, trigger, now, reason=reason)
    except PermissionDenied:
        raise
    except HonorflowError as refused:
        return _page(request, uow, viewer, status_for(refused), error=refusal(request, refused))
    return RedirectResponse(f"/unit?done={trigger}", status_code=303)


@router.post("/unit/nominations/{nomination_id}/submit", dependencies=[Depends(csrf_check)])
def submit(request: Request, nomination_id: int, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """Submit a draft (quota, unit rules and the submission rules are checked)."""
    return _act(request, uow, viewer, nomination_id, "submit", now, None)


@router.post("/unit/nominations/{nomination_id}/resubmit", dependencies=[Depends(csrf_check)])
def resubmit(
    request: Request,
    nomination_id: int,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    note: Annotated[str, Form(min_length=1, max_length=2000)],
) -> Response:
    """Answer a return: resubmit with a note on the material added."""
    return _act(request, uow, viewer, nomination_id, "resubmit", now, note)
