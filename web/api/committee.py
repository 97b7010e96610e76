"""The committee's decision: its live preview, recording it, and the final list afterwards."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from config.catalogue import msg, render
from documents import render as documents
from web.deps import CurrentActor, Now, Uow
from web.errors import ApiError, request_locale
from workflow.clean_text import CleanLongText
from workflow.queries import decision as read
from workflow.queries.notice import final_list_document
from workflow.rules.composition import CompositionResult, Reason, Status
from workflow.services import committee
from workflow.services.campaigns import find_campaign

router = APIRouter(tags=["committee"])
REASON = 2000  # characters, as the campaign's stored override


class AwaitingOut(BaseModel):
    id: int
    name: str
    gender: str
    ethnicity: str
    unit_code: str
    unit_name: str
    category: str
    employer: str
    rank: Literal["main", "alternate"]
    alternate_order: int | None
    approved: bool  # what the proposal would do
    excepted: bool


class Figures(BaseModel):
    value: float
    count: int
    base_count: int
    bound: str = Field(description="the bound as a code: '>= 55.0%', '<= 3'")
    bound_words: str = Field(description="the bound in words, in the answer's language")
    slack: float
    people_short: int


class RuleOut(BaseModel):
    code: str  # the campaign's rule id
    label: str
    ok: bool = Field(description="status == met")
    status: Status = Field(description="met, missed, or not_evaluated (it does not block)")
    reason: Reason | None = Field(description="why not evaluated: empty_list or empty_base")
    message: str  # the verdict with its figures, in the request's language
    figures: Figures


class PreviewOut(BaseModel):
    campaign: str
    phase: str
    decidable: bool
    awaiting: list[AwaitingOut]
    composition: list[RuleOut]
    approved: list[int]
    not_approved: list[int]
    needs_override: bool
    missed: list[str]  # codes of the rules the approved list misses
    not_evaluated: list[str]  # codes of the rules not evaluated over it (they do not block)


class DecisionIn(BaseModel):
    exceptions: dict[int, Annotated[str, Field(max_length=REASON)]] = Field(
        default_factory=dict, description="nominee id → the reason they are not approved"
    )
    override_reason: CleanLongText | None = Field(default=None, max_length=REASON)
    confirm: Literal[True] = Field(description="must be true: the decision cannot be undone")
    awaiting: list[int] | None = Field(
        default=None, description="the ids you saw awaiting; a list changed since is refused"
    )


class DecisionOut(BaseModel):
    awarded: list[int]
    not_approved: list[int]
    override: str | None


class HonoureeOut(BaseModel):
    id: int
    name: str
    gender: str
    ethnicity: str
    employer: str
    category: str
    unit_code: str
    unit_name: str
    honour: str


class GroupOut(BaseModel):
    by: Literal["unit", "category"] = Field(description="the definition's documents.group_by")
    code: str = Field(description="the unit's code, or the category's")
    name: str = Field(description="the unit's name, or the category's label")
    unit_code: str | None = Field(description="grouped by unit: the unit's code, else null")
    unit_name: str | None = Field(description="grouped by unit: the unit's name, else null")
    honourees: list[HonoureeOut]
    honour: str = Field(description="the title (拟授称号) whose section the group stands in")


class FinalListOut(BaseModel):
    campaign: str
    decided_at: datetime | None
    override: str | None
    count: int
    group_by: Literal["unit", "category"]
    groups: list[GroupOut]


def _rule_out(r: CompositionResult, locale: str) -> RuleOut:
    figures = Figures(
        value=r.value, count=r.count, base_count=r.base_count, bound=r.bound,
        bound_words=render(r.bound_message, locale), slack=r.slack, people_short=r.people_short,
    )  # fmt: skip
    return RuleOut(
        code=r.rule_id, label=r.label, ok=r.ok, status=r.status, reason=r.reason,
        message=r.text(locale), figures=figures,
    )  # fmt: skip


def _ids(raw: str | None) -> list[int]:
    """`1,2,3` as ids; anything else is refused naming the parameter."""
    parts = [p.strip() for p in (raw or "").split(",") if p.strip()]
    if not all(re.fullmatch(r"[0-9]{1,9}", p) for p in parts):
        raise ApiError(
            422, "invalid", msg("error.web.decision_except", value=raw), field="query.except"
        )
    return [int(p) for p in parts]


@router.get("/campaigns/{campaign_ref}/decision", response_model=PreviewOut)
def preview(
    campaign_ref: str,
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    exceptions: Annotated[str | None, Query(alias="except", max_length=4000)] = None,
) -> PreviewOut:
    """The list awaiting 审定 and its composition were the named nominees not approved."""
    campaign = find_campaign(uow, campaign_ref)
    found = read.decision_preview(uow, actor, campaign, _ids(exceptions))
    locale = request_locale(request)
    return PreviewOut(
        campaign=campaign.code,
        phase=campaign.phase,
        decidable=found.decidable,
        awaiting=[AwaitingOut(**vars(r)) for r in found.rows],
        composition=[_rule_out(r, locale) for r in found.composition],
        approved=[r.id for r in found.approved],
        not_approved=[r.id for r in found.not_approved],
        needs_override=found.needs_override,
        missed=[r.rule_id for r in found.missed],
        not_evaluated=[r.rule_id for r in found.not_evaluated],
    )


@router.post("/campaigns/{campaign_ref}/decision", response_model=DecisionOut)
def decide(
    campaign_ref: str, body: DecisionIn, uow: Uow, actor: CurrentActor, now: Now
) -> DecisionOut:
    """Record the committee's decision: all approved but the exceptions, each with its reason;
    a missed composition rule needs `override_reason`."""
    campaign = find_campaign(uow, campaign_ref)
    done = committee.decide(
        uow, campaign.id, actor, now, exceptions=body.exceptions,
        override_reason=body.override_reason, expected=body.awaiting,
    )  # fmt: skip
    return DecisionOut(awarded=done.awarded, not_approved=done.not_approved, override=done.override)


@router.get("/campaigns/{campaign_ref}/final-list", response_model=FinalListOut)
def final_list(campaign_ref: str, request: Request, uow: Uow, actor: CurrentActor) -> FinalListOut:
    """The awarded names grouped as the definition says (by recommending unit or by
    category), once the committee has decided."""
    campaign = find_campaign(uow, campaign_ref)
    found = read.final_list(uow, actor, campaign)
    locale = request_locale(request)
    groups = [
        GroupOut(
            by=g.by, code=g.code, name=g.title(locale),
            unit_code=g.code if g.by == "unit" else None,
            unit_name=g.unit_name if g.by == "unit" else None,
            honourees=[HonoureeOut(**vars(h)) for h in g.honourees], honour=g.honour,
        )
        for g in found.groups
    ]  # fmt: skip
    return FinalListOut(
        campaign=campaign.code, decided_at=found.decided_at, override=found.override,
        count=found.count, group_by=found.group_by, groups=groups,
    )  # fmt: skip


@router.get(
    "/campaigns/{campaign_ref}/final-list.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def final_list_pdf(campaign_ref: str, request: Request, uow: Uow, actor: CurrentActor) -> Response:
    """The final list (表彰名单) as PDF: who may read the final list, once decided."""
    campaign = find_campaign(uow, campaign_ref)
    locale = request_locale(request)
    html = documents.final_list_html(final_list_document(uow, actor, campaign, locale), locale)
    disposition = f'inline; filename="final-list-{campaign.code}.pdf"'
    return Response(
        documents.pdf(html),
        media_type="application/pdf",
        headers={"Content-Disposition": disposition},
    )
