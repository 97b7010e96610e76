"""The audit log: events you may see, and the administrators' chain verification."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from web.api.schemas import AuditEventOut, audit_event_out
from web.deps import CurrentActor, Now, Uow
from web.errors import request_locale
from workflow import audit_verify
from workflow.access import MAX_ID
from workflow.queries import audit as read
from workflow.services.campaigns import find_campaign

router = APIRouter(tags=["audit"])


class AuditPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[AuditEventOut]


class ChainOut(BaseModel):
    ok: bool
    events: int
    problem: str | None  # in the request's language
    code: str | None = None  # the problem's code, e.g. chain.altered
    first_bad_seq: int | None
    first_bad_lane: int | None = None  # the lane (campaign id, or 0) of the first bad event
    keyed_from: int | None = None  # the first event sealed with the audit key in lane 0
    lanes: int = 0  # the lanes (one per campaign, and lane 0) walked


@router.get("/audit", response_model=AuditPage)
def events(
    uow: Uow,
    actor: CurrentActor,
    now: Now,
    nomination: int | None = Query(default=None, ge=1, le=MAX_ID),
    campaign: str | None = Query(default=None, max_length=60),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0, le=10_000_000),
) -> AuditPage:
    """Audit events, oldest first: all for admins, else those of nominations you may see."""
    campaign_id = find_campaign(uow, campaign).id if campaign else None
    page = read.list_audit(
        uow,
        actor,
        now,
        nomination_id=nomination,
        campaign_id=campaign_id,
        limit=limit,
        offset=offset,
    )
    items = [audit_event_out(e) for e in page.items]
    return AuditPage(total=page.total, limit=limit, offset=offset, items=items)


@router.get("/audit/verify", response_model=ChainOut)
def verify(request: Request, uow: Uow, actor: CurrentActor) -> ChainOut:
    """Walk the hash chain and name the first event altered, removed or inserted."""
    report = audit_verify.verify_as(uow, actor)
    return ChainOut(
        ok=report.ok,
        events=report.events,
        problem=report.said(request_locale(request)) or None,
        code=report.problem.code if report.problem is not None else None,
        first_bad_seq=report.first_bad_seq,
        first_bad_lane=report.first_bad_lane,
        keyed_from=report.keyed_from,
        lanes=report.lanes,
    )
