"""The working-day calendar page: the years it knows, loading a year's schedule, overrides."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response

from models.uow import UnitOfWork
from web.deps import Now, Uow, csrf_check, off_the_loop
from web.pages.context import LoggedIn, Viewer
from web.pages.helpers import page_globals, refusal, say, status_for
from web.pages.render import render
from workflow.calendar_schedule import MAX_BYTES, schedule_text
from workflow.errors import CalendarScheduleInvalid, HonorflowError
from workflow.queries.calendar import known_years
from workflow.services import calendar as calendar_service

router = APIRouter()
SAFE_NAME = "calendar.yaml"


def _page(
    request: Request, uow: UnitOfWork, viewer: Viewer, status: int = 200, **extra: Any
) -> Response:
    context = {
        "known": known_years(uow, viewer.actor),
        "overrides": calendar_service.list_overrides(uow),
        "problems": [],
        **page_globals(uow, viewer),
        **extra,
    }
    return render(request, "admin_calendar.html", context, status)


@router.get("/admin/calendar")
def calendar_page(request: Request, viewer: LoggedIn, uow: Uow) -> Response:
    """The known years (loaded and the package's), the upload form and the overrides."""
    return _page(request, uow, viewer)


@router.post("/admin/calendar/load", dependencies=[Depends(csrf_check)])
async def load(
    request: Request, viewer: LoggedIn, uow: Uow, now: Now, file: Annotated[UploadFile, File()]
) -> Response:
    """Check an uploaded schedule and store it; every problem is listed, nothing half-loaded."""
    data = await file.read(MAX_BYTES + 1)
    name = Path(file.filename or SAFE_NAME).name[:200] or SAFE_NAME
    return await off_the_loop(_loaded, request, viewer, uow, now, data, name)


def _loaded(
    request: Request, viewer: Viewer, uow: UnitOfWork, now: datetime, data: bytes, name: str
) -> Response:
    """Check and store the schedule in a worker thread."""
    try:
        text = schedule_text(data, name)
        done = calendar_service.load_year(uow, text, name, viewer.actor, now)
    except CalendarScheduleInvalid as invalid:
        # The problems one a line, under a heading naming the file.
        error = say(request, "calendar_invalid", file=invalid.file, count=len(invalid.problems))
        return _page(request, uow, viewer, 422, error=error, problems=invalid.problems)
    except HonorflowError as refused:
        error = refusal(request, refused)
        return _page(request, uow, viewer, status_for(refused), error=error)
    s = done.schedule
    key = "calendar_year_replaced" if done.replaced else "calendar_year_loaded"
    message = say(request, key, year=s.year, holidays=len(s.holidays),
                  rest_days=len(s.rest_days), workdays=len(s.workdays))  # fmt: skip
    return _page(request, uow, viewer, message=message)
