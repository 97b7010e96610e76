"""Objection pages: the working team's investigations and record form (/office/objections),
one objection with the unit's answer form and the team's decision form (/objections/ID),
and adding files to a nomination (the attachments partial's form)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from config.dates import local_day
from models.uow import UnitOfWork
from web.deps import Now, Uow, csrf_check, off_the_loop
from web.pages.context import LoggedIn, Viewer
from web.pages.helpers import page_globals, refusal, say, status_for
from web.pages.render import render
from web.uploads import field, read_form
from workflow.errors import HonorflowError, PermissionDenied
from workflow.queries import objections as read
from workflow.queries.attachments import AttachmentPanel
from workflow.services import attachments, objections
from workflow.services.attachments import Files

router = APIRouter()


def _today(now: datetime) -> date:
    """Today in Beijing: what an office writes as the date a call or letter came in."""
    return local_day(now)


def _office(
    request: Request, uow: UnitOfWork, viewer: Viewer, now: datetime,
    status: int = 200, **extra: Any,
) -> Response:  # fmt: skip
    state = request.query_params.get("status") or None
    shown = state if state in ("open", "answered", "upheld", "dismissed", "lapsed") else None
    context = {
        "rows": read.investigations(uow, viewer.actor, now, status=shown),
        "nominees": read.notice_nominees(uow, viewer.actor),
        "status": shown,
        "sources": objections.SOURCES,
        "today": _today(now).isoformat(),
        **page_globals(uow, viewer),
        **extra,
    }
    return render(request, "office_objections.html", context, status)


@router.get("/office/objections")
def office_page(request: Request, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """The working team's investigations to their deadline, and the form to record one."""
    done = request.query_params.get("done")
    known = ("recorded", "decided")
    message = say(request, f"objection_flash_{done}") if done in known else None
    return _office(request, uow, viewer, now, message=message)


def _input(form: FormData, now: datetime) -> objections.ObjectionInput:
    received = field(form, "received_on")
    return objections.ObjectionInput(
        source=field(form, "source"),
        content=field(form, "content"),
        received_on=date.fromisoformat(received) if received else _today(now),
        reporter_name=field(form, "reporter_name") or None,
        contact=field(form, "contact") or None,
        unit_stamp=field(form, "unit_stamp") or None,
    )


@router.post("/office/objections")
async def record(request: Request, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """Record an objection received by phone, letter, visit or web, with its files."""
    form, files = await read_form(request)  # bounded: the body is read up to the limit
    csrf_check(request, field(form, "csrf_token"))  # after the bounded read, not before it
    return await off_the_loop(_recorded, request, viewer, uow, now, form, files)


def _recorded(
    request: Request, viewer: Viewer, uow: UnitOfWork, now: datetime, form: FormData, files: Files
) -> Response:
    """Check and store the objection and its files in a worker thread."""
    try:
        data = _input(form, now)
        nomination_id = int(field(form, "nomination_id") or 0)
        row = objections.record_for_team(uow, viewer.actor, nomination_id, data, now, files)
    except PermissionDenied:
        raise
    except HonorflowError as refused:
        error = refusal(request, refused)
        return _office(request, uow, viewer, now, status_for(refused), error=error)
    except ValueError:
        return _office(request, uow, viewer, now, 422, error=say(request, "objection_bad_date"))
    return RedirectResponse(f"/objections/{row.id}?done=recorded", status_code=303)


def _objection(
    request: Request, uow: UnitOfWork, viewer: Viewer, objection_id: int, now: datetime,
    status: int = 200, **extra: Any,
) -> Response:  # fmt: skip
    page = read.objection_page(uow, viewer.actor, objection_id, now)
    context = {
        "page": page,
        "o": page.objection,
        "n": page.nomination,
        "attachments": AttachmentPanel(page.files, None),
        **page_globals(uow, viewer),
        **extra,
    }
    return render(request, "objection.html", context, status)


@router.get("/objections/{objection_id}")
def objection_page(
    request: Request, objection_id: int, viewer: LoggedIn, uow: Uow, now: Now
) -> Response:
    """One objection: what was received, the unit's answer, the team's decision, the files."""
    done = request.query_params.get("done")
    known = ("recorded", "answered", "decided", "attached")
    message = say(request, f"objection_flash_{done}") if done in known else None
    return _objection(request, uow, viewer, objection_id, now, message=message)


@router.post("/objections/{objection_id}/answer")
async def answer(
    request: Request, objection_id: int, viewer: LoggedIn, uow: Uow, now: Now
) -> Response:
    """The unit's findings and its report file; the working team decides afterwards."""
    form, files = await read_form(request)
    csrf_check(request, field(form, "csrf_token"))
    return await off_the_loop(_answered, request, objection_id, viewer, uow, now, form, files)


def _answered(
    request: Request, objection_id: int, viewer: Viewer, uow: UnitOfWork, now: datetime,
    form: FormData, files: Files,
) -> Response:  # fmt: skip
    """Store the unit's findings and report in a worker thread."""
    try:
        findings = field(form, "findings")
        objections.answer_objection(uow, objection_id, findings, viewer.actor, now, files)
    except PermissionDenied:
        raise
    except HonorflowError as refused:
        error = refusal(request, refused)
        return _objection(request, uow, viewer, objection_id, now, status_for(refused), error=error)
    return RedirectResponse(f"/objections/{objection_id}?done=answered", status_code=303)


@router.post("/objections/{objection_id}/decision", dependencies=[Depends(csrf_check)])
def decide(
    request: Request,
    objection_id: int,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    outcome: Annotated[str, Form(pattern="^(upheld|dismissed)$")],
    reason: Annotated[str, Form(min_length=1, max_length=4000)],
) -> Response:
    """The working team's decision, with its reason: upheld removes the nominee."""
    try:
        objections.decide_objection(uow, objection_id, outcome, reason, viewer.actor, now)
    except PermissionDenied:
        raise
    except HonorflowError as refused:
        error = refusal(request, refused)
        return _objection(request, uow, viewer, objection_id, now, status_for(refused), error=error)
    # Back to the list: an upheld nominee has left the notice, and the team's sight with it.
    return RedirectResponse("/office/objections?done=decided", status_code=303)


@router.post("/objections/{objection_id}/attachments")
async def attach_to_objection(
    request: Request, objection_id: int, viewer: LoggedIn, uow: Uow, now: Now
) -> Response:
    """Add files: the team to the objection as received, the unit to its answer."""
    form, files = await read_form(request)
    csrf_check(request, field(form, "csrf_token"))
    await off_the_loop(attachments.attach_to_objection, uow, viewer.actor, objection_id, files, now)
    return RedirectResponse(f"/objections/{objection_id}?done=attached", status_code=303)


@router.post("/nominations/{nomination_id}/attachments")
async def attach_to_nomination(
    request: Request, nomination_id: int, viewer: LoggedIn, uow: Uow, now: Now
) -> Response:
    """Add files to a nomination's material, then back to the page the form was on."""
    form, files = await read_form(request)
    csrf_check(request, field(form, "csrf_token"))
    await off_the_loop(
        attachments.attach_to_nomination, uow, viewer.actor, nomination_id, files, now
    )
    back = field(form, "back")
    target = back if back.startswith("/") and not back.startswith("//") else "/"
    return RedirectResponse(target, status_code=303)
