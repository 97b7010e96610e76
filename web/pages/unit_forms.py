"""The unit's nominee form: add one nominee, or correct a draft or a returned one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from config.catalogue import Message
from models.uow import UnitOfWork
from web.deps import Now, Uow, csrf_check, off_the_loop
from web.pages import nomination_form as form
from web.pages.context import LoggedIn, Viewer
from web.pages.helpers import page_globals, refusal, say, status_for
from web.pages.render import language, render
from workflow.errors import HonorflowError, NotFound, PermissionDenied
from workflow.queries.campaigns import current_campaign
from workflow.queries.unit_desk import correction_view, unit_desk, units_for
from workflow.services import nominations

router = APIRouter()


def _render(
    request: Request,
    uow: UnitOfWork,
    viewer: Viewer,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    closed: Message | None = None,
    status: int = 200,
    **extra: Any,
) -> Response:
    nomination = extra.get("nomination")
    campaign = nomination.campaign if nomination is not None else current_campaign(uow)
    heading = (
        say(request, "nominee_edit", name=nomination.name)
        if nomination is not None
        else say(request, "nominee_new")
    )
    context = {
        "heading": heading,
        "fields": form.fields(values, errors or {}, language(request), campaign),
        "values": values,
        "errors": errors or {},
        "closed": closed,
        "units": [],
        "version": None,
        **page_globals(uow, viewer),
        **extra,
    }
    return render(request, "unit_nomination_form.html", context, status)


@router.get("/unit/nominations/new")
def new_nominee(request: Request, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """An empty form for one new nominee, or why the campaign takes none now."""
    campaign = current_campaign(uow)
    desk = unit_desk(uow, viewer.actor, campaign, now)
    units = units_for(uow, viewer.actor, campaign)
    values = form.blank_values(campaign.honour)
    closed = desk.closed.message if desk.closed else None
    return _render(request, uow, viewer, values, closed=closed, units=units, new=True)


@router.post("/unit/nominations/new", dependencies=[Depends(csrf_check)])
async def add_nominee(request: Request, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """Add one draft nominee; each problem is shown at its field."""
    posted = await request.form()
    return await off_the_loop(_added, request, viewer, uow, now, posted)


def _added(
    request: Request, viewer: Viewer, uow: UnitOfWork, now: datetime, posted: FormData
) -> Response:
    """Check and store the new nominee in a worker thread."""
    values = form.posted_values(posted)
    unit_code = str(posted.get("unit_code") or viewer.actor.unit_code or "")
    campaign = current_campaign(uow)
    units = units_for(uow, viewer.actor, campaign)
    again: dict[str, Any] = {"units": units, "new": True, "unit_code": unit_code}
    model, errors = form.validate(values, language(request))
    if model is None:
        error = say(request, "nominee_form_invalid", n=len(errors))
        return _render(
            request, uow, viewer, values, errors=errors, status=422, error=error, **again
        )
    try:
        nominations.create_nomination(uow, campaign.id, unit_code, model.entry(), viewer.actor, now)
    except (NotFound, PermissionDenied):
        raise
    except HonorflowError as refused:
        error, at = refusal(request, refused), form.field_errors(refused, language(request))
        return _render(
            request, uow, viewer, values, errors=at, status=status_for(refused), error=error,
            **again,
        )  # fmt: skip
    return RedirectResponse("/unit?done=created", status_code=303)


@router.get("/unit/nominations/{nomination_id}/edit")
def edit_nominee(
    request: Request, nomination_id: int, viewer: LoggedIn, uow: Uow, now: Now
) -> Response:
    """The nominee's form filled in, or why it can no longer be corrected."""
    view = correction_view(uow, viewer.actor, nomination_id, now)
    values = form.values_of(view.nomination, view.facts)
    return _render(
        request, uow, viewer, values, closed=view.refusal, nomination=view.nomination,
        version=view.nomination.version, new=False,
    )  # fmt: skip


@router.post("/unit/nominations/{nomination_id}/edit", dependencies=[Depends(csrf_check)])
async def correct_nominee(
    request: Request, nomination_id: int, viewer: LoggedIn, uow: Uow, now: Now
) -> Response:
    """Save a correction; refused at once outside a draft or a return, or after the deadline."""
    posted = await request.form()
    return await off_the_loop(_corrected, request, nomination_id, viewer, uow, now, posted)


def _corrected(
    request: Request, nomination_id: int, viewer: Viewer, uow: UnitOfWork, now: datetime,
    posted: FormData,
) -> Response:  # fmt: skip
    """Check and store the correction in a worker thread."""
    values = form.posted_values(posted)
    view = correction_view(uow, viewer.actor, nomination_id, now)
    version = str(posted.get("version") or "")
    again: dict[str, Any] = {"nomination": view.nomination, "version": version, "new": False}
    model, errors = form.validate(values, language(request))
    if model is None:
        error = say(request, "nominee_form_invalid", n=len(errors))
        return _render(
            request, uow, viewer, values, errors=errors, status=422, error=error, **again
        )
    try:
        nominations.update_nomination(
            uow, viewer.actor, nomination_id, model.entry(), now,
            int(version) if version.isdigit() else None,
        )  # fmt: skip
    except (NotFound, PermissionDenied):
        raise
    except HonorflowError as refused:
        error, at = refusal(request, refused), form.field_errors(refused, language(request))
        return _render(
            request, uow, viewer, values, errors=at, status=status_for(refused), error=error,
            **again,
        )  # fmt: skip
    return RedirectResponse("/unit?done=corrected", status_code=303)
