"""Nominations: create, import a form, list, detail, fire an action, declare a conflict."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile

from config.catalogue import msg
from web.api.nomination_models import (
    ActionIn,
    ConflictIn,
    ImportOut,
    NominationDetail,
    NominationIn,
    NominationOut,
    NominationPage,
    RuleResultOut,
    nomination_out,
)
from web.api.nominations_bulk import invalid, parsed_filter
from web.api.schemas import TransitionOut, audit_event_out, transition_out
from web.deps import CurrentActor, CurrentUser, Now, Uow
from web.errors import ApiError, request_locale
from workflow import importing
from workflow.clean_text import CleanText
from workflow.queries import nomination_search as search
from workflow.queries import nominations as read
from workflow.queries.eligibility import RuleResult
from workflow.services import actions, nominations, users
from workflow.services.campaigns import find_campaign

router = APIRouter(tags=["nominations"])


@router.post("/nominations", response_model=NominationOut, status_code=201)
def create(body: NominationIn, uow: Uow, actor: CurrentActor, now: Now) -> NominationOut:
    """A draft nomination, by a clerk of its unit or an administrator."""
    campaign = find_campaign(uow, body.campaign)
    row = nominations.create_nomination(uow, campaign.id, body.unit_code, body.entry(), actor, now)
    return nomination_out(row)


def _safe_name(name: str | None) -> str:
    """The upload's name reduced to harmless characters, keeping its suffix for the reader."""
    base = Path(name or "upload").name
    cleaned = re.sub(r"[^\w.\-]", "_", base).lstrip(".") or "upload"
    return cleaned[-100:]


@router.post("/nominations/import", response_model=ImportOut, status_code=201)
def import_form(
    file: Annotated[UploadFile, File(description="the nomination form, .csv or .xlsx")],
    campaign: Annotated[CleanText, Form(min_length=1, max_length=60)],
    uow: Uow,
    actor: CurrentActor,
    now: Now,
) -> ImportOut:
    """Import a form: every row becomes a draft, or none does (422 lists every bad row)."""
    target = find_campaign(uow, campaign)
    data = file.file.read(importing.MAX_BYTES + 1)
    if len(data) > importing.MAX_BYTES:
        raise ApiError(413, "too_large", msg("error.web.too_large", limit=importing.MAX_BYTES))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / _safe_name(file.filename)
        path.write_bytes(data)
        ids = nominations.import_nominations(uow, target.id, path, actor, now)
    return ImportOut(count=len(ids), ids=ids)


@router.get("/nominations", response_model=NominationPage)
def list_nominations(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    campaign: str | None = Query(default=None, max_length=60),
    stage: str | None = Query(default=None, max_length=40, description="a state code"),
    status: str | None = Query(default=None, max_length=40, description="the same as stage"),
    unit: str | None = Query(default=None, max_length=60),
    category: str | None = Query(default=None, max_length=40),
    flag: Annotated[list[str] | None, Query(description="gig_worker, disability, …")] = None,
    rule: str | None = Query(default=None, max_length=60, description="a failing rule"),
    q: str | None = Query(default=None, max_length=100, description="part of name or employer"),
    sort: str | None = Query(default=None, max_length=20, description="name, -updated, …"),
    page: int | None = Query(default=None, ge=1, le=100_000),
    size: int | None = Query(default=None, ge=1, le=200),
    limit: int | None = Query(default=None, ge=1, le=500),
    offset: int | None = Query(default=None, ge=0, le=1_000_000),
) -> NominationPage:
    """The nominations you may see, filtered, sorted and paged (`page`/`size`, or the older
    `limit`/`offset`); the same filter as the office page and the bulk endpoint."""
    where = parsed_filter(request.query_params.multi_items())
    if limit is not None or offset is not None:
        limit, offset = limit or 50, offset or 0
    else:
        limit, offset = where.size, (where.page - 1) * where.size
    try:
        found = search.search_nominations(uow, actor, where, limit=limit, offset=offset)
    except search.BadInput as bad:  # a failing-rule filter over too many candidates
        raise invalid(bad, "query") from None
    items = [nomination_out(n) for n in found.items]
    return NominationPage(total=found.total, limit=limit, offset=offset, items=items)


def _rule_out(result: RuleResult, locale: str) -> RuleResultOut:
    """A rule result with its reason's code and its words in the request's language."""
    words = result.reason_in(locale)
    return RuleResultOut(
        rule=result.rule, ok=result.ok, code=result.code, message=words, reason=words
    )


@router.get("/nominations/{nomination_id}", response_model=NominationDetail)
def detail(
    nomination_id: int, request: Request, uow: Uow, actor: CurrentActor, now: Now
) -> NominationDetail:
    """The record, rule results, timeline and the triggers you may fire."""
    view = read.nomination_detail(uow, actor, nomination_id, now)
    locale = request_locale(request)
    n = view.nomination
    return NominationDetail(
        **nomination_out(n).model_dump(),
        honour=n.honour,
        summary=n.summary,
        deeds=n.deeds,
        end_reason=n.end_reason,
        birth_date=str(view.shown_facts["birth_date"]),
        masked=view.masked,
        facts=view.shown_facts,
        rules=[_rule_out(r, locale) for r in view.rules],
        timeline=[audit_event_out(e) for e in view.timeline],
        allowed_triggers=view.allowed_triggers,
    )


@router.post("/nominations/{nomination_id}/actions", response_model=TransitionOut)
def act(
    nomination_id: int, body: ActionIn, uow: Uow, actor: CurrentActor, now: Now
) -> TransitionOut:
    """Fire a trigger; 409 names the allowed triggers or a stale expected_version."""
    result = actions.act(
        uow,
        actor,
        nomination_id,
        body.trigger,
        now,
        reason=body.reason,
        expected_version=body.expected_version,
    )
    return transition_out(result)


@router.post("/nominations/{nomination_id}/conflicts", status_code=204)
def declare_conflict(
    nomination_id: int, body: ConflictIn, uow: Uow, user: CurrentUser, now: Now
) -> None:
    """Declare a conflict of interest: you stand aside from this nomination from now on."""
    users.declare_conflict(uow, user, nomination_id, body.reason, now)
