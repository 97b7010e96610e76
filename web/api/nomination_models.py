"""Request and response models of the nomination endpoints; personal data masked by viewer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from models import Nomination
from web.api.schemas import AuditEventOut
from workflow.clean_text import CleanLongText, CleanText
from workflow.nomination_input import NominationFields


class NominationIn(NominationFields):
    """A new nomination: the one input model's fields, the campaign and the unit."""

    campaign: CleanText = Field(min_length=1, max_length=60, description="campaign code or id")
    unit_code: CleanText = Field(min_length=1, max_length=60)


class NominationOut(BaseModel):
    id: int
    campaign_id: int
    unit_code: str
    unit_name: str
    name: str
    gender: str
    birth_year: int
    category: str
    employer: str
    employer_type: str
    rank: str
    alternate_order: int | None
    status: str
    version: int
    stage_entered_at: datetime | None
    created_at: datetime
    updated_at: datetime


class NominationPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[NominationOut]


class RuleResultOut(BaseModel):
    """A rule result: `code` and `message` (the request's language) say why it failed."""

    rule: str
    ok: bool
    code: str | None = None
    message: str = ""
    reason: str = ""  # the same words as `message`, kept for clients written before it


class NominationDetail(NominationOut):
    honour: str
    summary: str
    deeds: str
    end_reason: str | None
    birth_date: str
    masked: bool
    facts: dict[str, Any]
    rules: list[RuleResultOut]
    timeline: list[AuditEventOut]
    allowed_triggers: list[str]


class ActionIn(BaseModel):
    trigger: CleanText = Field(min_length=1, max_length=60, pattern=r"^[a-z_]+$")
    reason: CleanLongText | None = Field(default=None, max_length=2000)
    expected_version: int | None = Field(default=None, ge=1)


class ConflictIn(BaseModel):
    reason: CleanLongText = Field(min_length=1, max_length=2000)


class ImportOut(BaseModel):
    count: int
    ids: list[int]


def nomination_out(n: Nomination) -> NominationOut:
    """The list view of a nomination (no personal data beyond the birth year)."""
    return NominationOut(
        id=n.id,
        campaign_id=n.campaign_id,
        unit_code=n.unit.code,
        unit_name=n.unit.name,
        name=n.name,
        gender=n.gender,
        birth_year=n.birth_date.year,
        category=n.category,
        employer=n.employer,
        employer_type=n.employer_type,
        rank=n.rank,
        alternate_order=n.alternate_order,
        status=n.status,
        version=n.version,
        stage_entered_at=n.stage_entered_at,
        created_at=n.created_at,
        updated_at=n.updated_at,
    )
