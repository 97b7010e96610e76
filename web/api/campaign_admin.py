"""Setting a campaign up: create it, move its phase (with the checks), load its quota table
from a file, read and amend its composition rules. Administrators only (the services say so)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from pydantic import BaseModel, Field

from config.catalogue import msg, render
from config.dates import assume_beijing
from web.api.campaigns import CampaignOut, QuotaTableOut, campaign_out, get_quota
from web.deps import CurrentActor, Now, Uow
from web.errors import ApiError, request_locale
from workflow.clean_text import CleanLongText, CleanText
from workflow.queries import campaign_admin as read
from workflow.quota_table import MAX_BYTES
from workflow.services import campaigns, composition_rules

router = APIRouter(tags=["campaigns"])


class CampaignIn(BaseModel):
    code: CleanText = Field(min_length=1, max_length=60)
    title: CleanText = Field(min_length=1, max_length=200)
    definition: CleanText = Field(
        min_length=1, max_length=100, description="a stored definition's name"
    )
    definition_version: int | None = Field(default=None, ge=1, le=1_000_000)
    reference_date: date
    submission_deadline: datetime | None = Field(
        default=None, description="ISO time; without a zone it is read as Beijing time"
    )
    admin_email: CleanText | None = Field(
        default=None,
        min_length=3,
        max_length=200,
        description="the office's mailbox; default: the installation's HONORFLOW_ADMIN_EMAIL",
    )
    daily_digest: bool = False


@router.post("/campaigns", response_model=CampaignOut, status_code=201)
def create_campaign(body: CampaignIn, uow: Uow, actor: CurrentActor, now: Now) -> CampaignOut:
    """Create a campaign at launch, pinned to a definition version (the newest unless named)."""
    deadline = assume_beijing(body.submission_deadline) if body.submission_deadline else None
    row = campaigns.create_campaign(
        uow, code=body.code, title=body.title, definition_name=body.definition,
        definition_version=body.definition_version, reference_date=body.reference_date,
        submission_deadline=deadline, admin_email=body.admin_email,
        daily_digest=body.daily_digest, actor=actor, now=now,
    )  # fmt: skip
    return campaign_out(row)


class CheckOut(BaseModel):
    code: str
    ok: bool
    message: str


class PhaseMoveOut(BaseModel):
    to: str
    possible: bool
    checks: list[CheckOut]
    gates: list[CheckOut]


class PhaseOut(BaseModel):
    phase: str
    moves: list[PhaseMoveOut]


class PhaseIn(BaseModel):
    to: CleanText = Field(min_length=1, max_length=30, description="the phase to move to")


def _phase_out(view: read.CampaignSetup, locale: str) -> PhaseOut:
    def out(checks: list[Any]) -> list[CheckOut]:
        return [CheckOut(code=c.code, ok=c.ok, message=render(c.message, locale)) for c in checks]

    moves = [
        PhaseMoveOut(to=m.target, possible=m.possible, checks=out(m.checks), gates=out(m.gates))
        for m in view.moves
    ]
    return PhaseOut(phase=view.campaign.phase, moves=moves)


@router.get("/campaigns/{campaign_ref}/phase", response_model=PhaseOut)
def phase(campaign_ref: str, request: Request, uow: Uow, actor: CurrentActor, now: Now) -> PhaseOut:
    """The current phase and each next one with its checks, passed or not, and why."""
    view = read.campaign_setup(uow, actor, campaign_ref, now)
    return _phase_out(view, request_locale(request))


@router.post("/campaigns/{campaign_ref}/phase", response_model=CampaignOut)
def move_phase(
    campaign_ref: str, body: PhaseIn, uow: Uow, actor: CurrentActor, now: Now
) -> CampaignOut:
    """Move to a phase; a refused move is 409 naming the phase and the allowed ones."""
    target = campaigns.find_campaign(uow, campaign_ref)
    campaigns.advance_phase(uow, target.id, actor, now, to=body.to)
    return campaign_out(campaigns.find_campaign(uow, campaign_ref))


@router.post("/campaigns/{campaign_ref}/quota/import", response_model=QuotaTableOut)
def import_quota(
    campaign_ref: str,
    file: Annotated[UploadFile, File(description="the quota table, .csv or .xlsx")],
    uow: Uow,
    actor: CurrentActor,
    now: Now,
) -> QuotaTableOut:
    """Replace the quota table from a file, all rows or none (422 lists every bad row)."""
    campaign = campaigns.find_campaign(uow, campaign_ref)
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ApiError(413, "too_large", msg("quota.file_too_large", limit=MAX_BYTES >> 20))
    name = (file.filename or "quota.csv").rsplit("/", 1)[-1][-100:]
    campaigns.import_quota_file(uow, campaign.id, name, data, actor, now)
    return get_quota(campaign_ref, uow, actor)


class RuleOut(BaseModel):
    rule: dict[str, Any]
    words: str


class RulesOut(BaseModel):
    campaign: str
    rules: list[RuleOut]


class RulesIn(BaseModel):
    rules: list[dict[str, Any]] = Field(max_length=50, description="the definition's syntax")
    reason: CleanLongText = Field(min_length=1, max_length=2000)


@router.get("/campaigns/{campaign_ref}/composition-rules", response_model=RulesOut)
def get_rules(campaign_ref: str, request: Request, uow: Uow, actor: CurrentActor) -> RulesOut:
    """The campaign's composition rules, each with its figures in words."""
    campaign, rules = read.composition_rules(uow, actor, campaign_ref)
    locale = request_locale(request)
    out = [
        RuleOut(rule=raw, words=render(v.words, locale))
        for raw, v in zip(campaign.composition, rules, strict=True)
    ]
    return RulesOut(campaign=campaign.code, rules=out)


@router.put("/campaigns/{campaign_ref}/composition-rules", response_model=RulesOut)
def put_rules(
    campaign_ref: str, body: RulesIn, request: Request, uow: Uow, actor: CurrentActor, now: Now
) -> RulesOut:
    """Amend the campaign's composition rules with a reason, until submissions close."""
    campaign = campaigns.find_campaign(uow, campaign_ref)
    composition_rules.amend_composition(uow, campaign.id, body.rules, body.reason, actor, now)
    return get_rules(campaign_ref, request, uow, actor)
