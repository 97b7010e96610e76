"""Campaigns: list, one campaign, its funnel and composition reports, its quota table."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from models import Campaign
from web.deps import CurrentActor, Now, Uow
from web.errors import ApiError
from workflow.clean_text import CleanText
from workflow.errors import ImportFailed
from workflow.queries import campaigns as read
from workflow.rules.composition import Reason, Status, list_status
from workflow.services import campaigns

router = APIRouter(tags=["campaigns"])
# Reports over every unit are for those who run the campaign; a clerk sees its own unit only.


class CampaignOut(BaseModel):
    id: int
    code: str
    title: str
    honour: str
    honour_level: str
    phase: str
    definition_id: int
    definition: str
    reference_date: date
    submission_deadline: datetime | None
    created_at: datetime
    decided_at: datetime | None


def campaign_out(c: Campaign) -> CampaignOut:
    """The API view of a campaign."""
    return CampaignOut(
        id=c.id,
        code=c.code,
        title=c.title,
        honour=c.honour,
        honour_level=c.honour_level,
        phase=c.phase,
        definition_id=c.definition_id,
        definition=c.definition.key,
        reference_date=c.reference_date,
        submission_deadline=c.submission_deadline,
        created_at=c.created_at,
        decided_at=c.decided_at,
    )


class FunnelRowOut(BaseModel):
    state: str
    count: int


class CompositionRowOut(BaseModel):
    rule_id: str
    label: str
    kind: str
    value: float
    count: int
    base_count: int
    bound: str = Field(description="the bound as a code: '>= 55.0%', '<= 3'")
    bound_words: str = Field(description="the bound in Chinese words: 不低于55.0%, 不超过3人")
    slack: float
    people_short: int
    ok: bool = Field(description="status == met")
    status: Status = Field(description="met, missed, or not_evaluated")
    reason: Reason | None = Field(description="why not evaluated: empty_list or empty_base")
    detail: str


class CompositionOut(BaseModel):
    scope: str
    size: int
    status: Status = Field(description="missed if any rule is, else not_evaluated if any, else met")
    results: list[CompositionRowOut]


class QuotaRowIn(BaseModel):
    unit_code: CleanText = Field(min_length=1, max_length=60)
    unit_name: CleanText = Field(min_length=1, max_length=200)
    places: int = Field(ge=0, le=100_000)
    category: CleanText | None = Field(default=None, max_length=40)
    reserved: bool = False
    kind: CleanText = Field(default="city_union", max_length=30)
    email: CleanText | None = Field(default=None, max_length=200)


class QuotaRowOut(BaseModel):
    unit_code: str
    unit_name: str
    category: str | None
    reserved: bool
    places: int
    used: int


class QuotaTableOut(BaseModel):
    total_places: int
    rows: list[QuotaRowOut]


@router.get("/campaigns", response_model=list[CampaignOut])
def list_campaigns(uow: Uow, actor: CurrentActor) -> list[CampaignOut]:
    """Every campaign, newest first."""
    return [campaign_out(c) for c in read.campaigns_newest_first(uow)]


@router.get("/campaigns/{campaign_ref}", response_model=CampaignOut)
def get_campaign(campaign_ref: str, uow: Uow, actor: CurrentActor) -> CampaignOut:
    """One campaign by code or id."""
    return campaign_out(campaigns.find_campaign(uow, campaign_ref))


@router.get("/campaigns/{campaign_ref}/funnel", response_model=list[FunnelRowOut])
def funnel(campaign_ref: str, uow: Uow, actor: CurrentActor) -> list[FunnelRowOut]:
    """Nominations per state, in the order of the procedure."""
    campaign = campaigns.find_campaign(uow, campaign_ref)
    rows = read.funnel_for(uow, actor, campaign)
    return [FunnelRowOut(state=r.state, count=r.count) for r in rows]


@router.get("/campaigns/{campaign_ref}/composition", response_model=CompositionOut)
def composition(
    campaign_ref: str,
    uow: Uow,
    actor: CurrentActor,
    scope: Literal["submitted", "stage", "final", "unit"] = "final",
    stage: str | None = Query(default=None, max_length=40),
    unit: str | None = Query(default=None, max_length=60),
) -> CompositionOut:
    """The composition rules measured over a set of the campaign's nominations."""
    campaign = campaigns.find_campaign(uow, campaign_ref)
    size, results = read.composition_for(uow, actor, campaign, scope, stage=stage, unit=unit)
    rows = [CompositionRowOut(**asdict(r)) for r in results]
    status = list_status([r.status for r in results])
    return CompositionOut(scope=scope, size=size, status=status, results=rows)


@router.get("/campaigns/{campaign_ref}/quota", response_model=QuotaTableOut)
def get_quota(campaign_ref: str, uow: Uow, actor: CurrentActor) -> QuotaTableOut:
    """The quota table with places in use; a clerk sees its own unit's rows."""
    campaign = campaigns.find_campaign(uow, campaign_ref)
    rows = [QuotaRowOut(**asdict(r)) for r in read.quota_for(uow, actor, campaign.id)]
    return QuotaTableOut(total_places=sum(r.places for r in rows), rows=rows)


@router.put("/campaigns/{campaign_ref}/quota", response_model=QuotaTableOut)
def put_quota(
    campaign_ref: str, body: list[QuotaRowIn], uow: Uow, actor: CurrentActor, now: Now
) -> QuotaTableOut:
    """Replace the quota table (administrators), all rows or none; units are created as needed."""
    campaign = campaigns.find_campaign(uow, campaign_ref)
    rows = [campaigns.UnitQuota(**r.model_dump(), row=i) for i, r in enumerate(body)]
    try:
        campaigns.set_quota_table(uow, campaign.id, rows, actor, now, source="body")
    except ImportFailed as refused:
        raise row_refusal(refused) from None
    return get_quota(campaign_ref, uow, actor)


def row_refusal(refused: ImportFailed) -> ApiError:
    """A refused table as a 422 naming its first bad row and field (`body.2.unit_name`)."""
    first = refused.errors[0]
    return ApiError(
        422, "import_failed", refused.message or "", field=f"body.{first.row}.{first.field}"
    )
