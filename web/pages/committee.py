"""The committee secretary's page: the list awaiting 审定 with its composition, the preview,
the confirmation step, the decision, and the final list (表彰名单) afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from models import Campaign
from models.uow import UnitOfWork
from web.deps import Now, Uow, csrf_check
from web.pages.context import LoggedIn, Viewer
from web.pages.helpers import page_globals, refusal, status_for
from web.pages.render import render
from workflow.errors import HonorflowError, PermissionDenied
from workflow.queries import decision as read
from workflow.queries.campaigns import campaigns_newest_first, current_campaign
from workflow.services import committee

router = APIRouter()
REASON = 2000  # characters, as the API allows
Reason = Annotated[str, Field(max_length=REASON)]


@dataclass(frozen=True)
class DecisionForm:
    """What the list, preview and confirmation forms carry."""

    campaign: str
    exceptions: dict[int, str]  # the ticked nominees with the reason written beside each
    override_reason: str
    awaiting: list[int]  # the list the confirmation screen showed


def decision_form(
    campaign: Annotated[str, Form(max_length=60)] = "",
    row: Annotated[list[int] | None, Form()] = None,
    reason: Annotated[list[Reason] | None, Form()] = None,
    excepted: Annotated[list[int] | None, Form(alias="except")] = None,
    override_reason: Annotated[str, Form(max_length=REASON)] = "",
    awaiting: Annotated[list[int] | None, Form()] = None,
) -> DecisionForm:
    """The form's fields; every row sends its id and its reason, in the same order."""
    written = dict(zip(row or [], reason or [], strict=False))
    exceptions = {i: written.get(i, "") for i in excepted or []}
    return DecisionForm(campaign, exceptions, override_reason, awaiting or [])


Posted = Annotated[DecisionForm, Depends(decision_form)]


def _page(
    request: Request,
    uow: UnitOfWork,
    viewer: Viewer,
    campaign: Campaign,
    status: int = 200,
    **extra: Any,
) -> Response:
    context = {
        "campaign": campaign,
        "campaigns": campaigns_newest_first(uow),
        "mode": "list",
        "reasons": {},
        "override_reason": "",
        **page_globals(uow, viewer),
        **extra,
    }
    return render(request, "committee.html", context, status)


def _list(
    request: Request,
    uow: UnitOfWork,
    viewer: Viewer,
    campaign: Campaign,
    exceptions: dict[int, str],
    override_reason: str = "",
    status: int = 200,
    error: str | None = None,
) -> Response:
    """The list with the composition of what these exceptions would leave approved."""
    preview = read.decision_preview(uow, viewer.actor, campaign, exceptions)
    return _page(
        request, uow, viewer, campaign, status, preview=preview, reasons=exceptions,
        override_reason=override_reason, error=error,
    )  # fmt: skip


@router.get("/committee")
def committee_page(request: Request, viewer: LoggedIn, uow: Uow, campaign: str = "") -> Response:
    """The list awaiting 审定 with its composition; the final list once decided."""
    chosen = current_campaign(uow, campaign or None)
    if read.is_decided(chosen):
        final = read.final_list(uow, viewer.actor, chosen)
        return _page(
            request, uow, viewer, chosen, mode="final", final=final, decided_at=final.decided_at
        )
    return _list(request, uow, viewer, chosen, {})


@router.post("/committee/preview", dependencies=[Depends(csrf_check)])
def preview(request: Request, viewer: LoggedIn, uow: Uow, form: Posted) -> Response:
    """The composition of the list without the ticked nominees, computed now."""
    chosen = current_campaign(uow, form.campaign or None)
    return _list(request, uow, viewer, chosen, form.exceptions, form.override_reason)


@router.post("/committee/confirm", dependencies=[Depends(csrf_check)])
def confirm(request: Request, viewer: LoggedIn, uow: Uow, form: Posted) -> Response:
    """The confirmation step: restate what would be recorded, or say what is still missing."""
    chosen = current_campaign(uow, form.campaign or None)
    try:
        found = read.decision_to_confirm(
            uow, viewer.actor, chosen, form.exceptions, form.override_reason
        )
    except PermissionDenied:
        raise
    except HonorflowError as refused:
        return _list(
            request, uow, viewer, chosen, form.exceptions, form.override_reason,
            status_for(refused), refusal(request, refused),
        )  # fmt: skip
    return _page(
        request, uow, viewer, chosen, mode="confirm", preview=found, reasons=form.exceptions,
        override_reason=form.override_reason,
    )  # fmt: skip


@router.post("/committee/decide", dependencies=[Depends(csrf_check)])
def decide(request: Request, viewer: LoggedIn, uow: Uow, now: Now, form: Posted) -> Response:
    """Record the confirmed decision on exactly the list that was confirmed."""
    chosen = current_campaign(uow, form.campaign or None)
    try:
        committee.decide(
            uow, chosen.id, viewer.actor, now, exceptions=form.exceptions,
            override_reason=form.override_reason, expected=form.awaiting,
        )  # fmt: skip
    except PermissionDenied:
        raise
    except HonorflowError as refused:
        error = refusal(request, refused)
        return _list(request, uow, viewer, chosen, {}, "", status_for(refused), error)
    return RedirectResponse(f"/committee?campaign={chosen.code}", status_code=303)
