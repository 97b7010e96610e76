"""Administrators' campaign pages: the list with a form to create one, and one campaign's
set-up page (its phase and the checks of the next one, the quota table, composition rules)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from config.catalogue import msg
from config.dates import parse_instant
from models.uow import UnitOfWork
from web.deps import Now, Uow, csrf_check
from web.pages import admin_campaign_setup
from web.pages.campaign_page import campaign_page
from web.pages.context import LoggedIn, Viewer
from web.pages.helpers import page_globals, refusal, say, status_for
from web.pages.render import render
from workflow.errors import HonorflowError, InvalidInput
from workflow.queries import campaign_admin as read
from workflow.services import campaigns

router = APIRouter()
# The set-up forms of one campaign (quota table, rules) are served with these pages.
router.include_router(admin_campaign_setup.router)


def _list_page(
    request: Request, uow: UnitOfWork, viewer: Viewer, status: int = 200, **extra: Any
) -> Response:
    context = {
        "rows": read.campaign_rows(uow, viewer.actor),
        "choices": read.definition_choices(uow, viewer.actor),
        "form": {},
        "bad_field": None,
        **page_globals(uow, viewer),
        **extra,
    }
    return render(request, "admin_campaigns.html", context, status)


@router.get("/admin/campaigns")
def campaigns_page(request: Request, viewer: LoggedIn, uow: Uow) -> Response:
    """Every campaign with its phase, dates and counts, and the form to create one."""
    return _list_page(request, uow, viewer)


def _deadline(text: str) -> datetime | None:
    """A datetime-local value, read as Beijing time (a zone, when given, is kept)."""
    if not text:
        return None
    try:
        return parse_instant(text)
    except ValueError:
        bad = msg("campaign_setup.bad_time", value=text)
        raise InvalidInput("submission_deadline", bad) from None


@router.post("/admin/campaigns", dependencies=[Depends(csrf_check)])
def create(
    request: Request,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    code: Annotated[str, Form(max_length=60)],
    title: Annotated[str, Form(max_length=200)],
    definition: Annotated[str, Form(max_length=120)],
    reference_date: Annotated[date, Form()],
    submission_deadline: Annotated[str, Form(max_length=30)] = "",
    admin_email: Annotated[str, Form(max_length=200)] = "",
    daily_digest: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Create a campaign; a refusal is shown on the form, its field marked."""
    name, _, version = definition.rpartition("@")
    form = {"code": code, "title": title, "definition": definition,
            "reference_date": reference_date.isoformat(), "admin_email": admin_email,
            "submission_deadline": submission_deadline, "daily_digest": daily_digest}  # fmt: skip
    try:
        row = campaigns.create_campaign(
            uow, code=code.strip(), title=title, definition_name=name or definition,
            definition_version=int(version) if version.isdigit() else None,
            reference_date=reference_date, submission_deadline=_deadline(submission_deadline),
            admin_email=admin_email,
            daily_digest=bool(daily_digest), actor=viewer.actor, now=now,
        )  # fmt: skip
    except HonorflowError as refused:
        field = refused.field if isinstance(refused, InvalidInput) else None
        return _list_page(request, uow, viewer, status_for(refused),
                          error=refusal(request, refused), form=form, bad_field=field)  # fmt: skip
    return RedirectResponse(f"/admin/campaigns/{row.code}?done=created", status_code=303)


DONE = ("created", "phase", "quota", "rules", "office")


@router.get("/admin/campaigns/{code}")
def campaign_view(request: Request, code: str, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """One campaign: its phase and the checks of the next, its quota table and rules."""
    done = request.query_params.get("done")
    message = say(request, f"campaign_done_{done}") if done in DONE else None
    return campaign_page(request, uow, viewer, code, now, message=message)


@router.post("/admin/campaigns/{code}/phase", dependencies=[Depends(csrf_check)])
def move_phase(
    request: Request,
    code: str,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    to: Annotated[str, Form(max_length=30)],
) -> Response:
    """Move the campaign to the phase asked for, if every check passes."""
    try:
        target = campaigns.find_campaign(uow, code)
        campaigns.advance_phase(uow, target.id, viewer.actor, now, to=to)
    except HonorflowError as refused:
        return campaign_page(request, uow, viewer, code, now, status_for(refused),
                             error=refusal(request, refused))  # fmt: skip
    return RedirectResponse(f"/admin/campaigns/{code}?done=phase#phase", status_code=303)
