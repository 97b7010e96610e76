"""The public notice (公示): who is under notice, how to object, the objection form; no login."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from config.catalogue import render as render_message
from models.uow import UnitOfWork
from web.client_address import client_address
from web.deps import Now, Uow, csrf_check
from web.pages.context import anonymous_form
from web.pages.helpers import refusal, say, status_for
from web.pages.render import language, render
from workflow.actors import Actor
from workflow.calendar import SHANGHAI
from workflow.campaign_office import follow_up, office_of
from workflow.errors import HonorflowError
from workflow.objection_reference import PATTERN as REFERENCE
from workflow.queries.campaigns import current_campaign
from workflow.queries.notice import notice_document
from workflow.services import challenges
from workflow.services.notice import notice_campaign
from workflow.services.objections import ObjectionInput, record_objection

router = APIRouter()
PUBLIC = Actor("公众（网上异议）", "public")


@router.get("/notice")
def notice_redirect(uow: Uow) -> Response:
    """The notice of the campaign now running."""
    return RedirectResponse(f"/notice/{current_campaign(uow).code}", status_code=303)


def _page(
    request: Request, uow: UnitOfWork, code: str, now: datetime, status: int = 200, **extra: Any
) -> Response:
    campaign = notice_campaign(uow, code)
    doc = notice_document(uow, campaign, language(request))
    entries = [line for group in doc.groups for line in group.lines]
    context = {"campaign": campaign, "doc": doc, "entries": entries, "form": {}, **extra}
    if entries:  # a fresh question with every form shown (each is good once)
        context["challenge"] = challenges.issue(request.app.state.limiter, code, now)
    # The page is the same for everyone: no viewer, so nothing personal can leak into it.
    return anonymous_form(
        request,
        lambda token: render(request, "notice.html", {**context, "csrf": token}, status),
    )


@router.get("/notice/{code}")
def notice_page(request: Request, code: str, uow: Uow, now: Now) -> Response:
    """The official notice: nominees with their public fields only, how to object."""
    sent = request.query_params.get("sent", "")
    return _page(request, uow, code, now, message=_received(request, uow, code, sent))


def _received(request: Request, uow: UnitOfWork, code: str, reference: str) -> str | None:
    """What a sent objection answers: its reference and how to follow the case."""
    if not REFERENCE.fullmatch(reference):
        return None
    office = office_of(notice_campaign(uow, code), language(request))
    return render_message(follow_up(office, reference), language(request))


@router.post("/notice/{code}/objections", dependencies=[Depends(csrf_check)])
def object_to(
    request: Request,
    code: str,
    uow: Uow,
    now: Now,
    nomination_id: Annotated[int, Form()],
    reporter_name: Annotated[str, Form(max_length=100)],
    contact: Annotated[str, Form(max_length=200)],
    content: Annotated[str, Form(max_length=4000)],
    challenge: Annotated[str, Form(max_length=200)] = "",
    answer: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Record an objection with the reporter's real name and contact (rate-limited, and the
    form's question answered)."""
    form = {"nomination_id": nomination_id, "reporter_name": reporter_name,
            "contact": contact, "content": content}  # fmt: skip

    def again(status: int, error: str) -> Response:  # the form again, as it was filled in
        return _page(request, uow, code, now, status, error=error, form=form)

    try:
        limiter, address = request.app.state.limiter, client_address(request)
        challenges.admit(limiter, code, address, nomination_id, (challenge, answer), now)
    except HonorflowError as refused:
        return again(status_for(refused), refusal(request, refused))
    doc = notice_document(uow, notice_campaign(uow, code))
    if nomination_id not in {line.nomination_id for g in doc.groups for line in g.lines}:
        return again(422, say(request, "not_under_notice"))
    if not (reporter_name.strip() and contact.strip() and content.strip()):
        return again(422, say(request, "objection_fields"))
    data = ObjectionInput(
        source="web",
        content=content.strip(),
        received_on=now.astimezone(SHANGHAI).date(),
        reporter_name=reporter_name.strip(),
        contact=contact.strip(),
    )
    try:
        objection = record_objection(uow, nomination_id, data, PUBLIC, now)
    except HonorflowError as refused:
        return again(status_for(refused), refusal(request, refused))
    # The reference alone says nothing about the objector: it may travel in the address.
    return RedirectResponse(f"/notice/{code}?sent={objection.reference}", status_code=303)
