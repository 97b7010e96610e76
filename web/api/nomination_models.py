"""Request and response models of the nomination endpoints; personal data masked by viewer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from models import Nomination
from web.api.schemas import AuditEventOut
from workflow import vocabulary as v
from workflow.facts import NomineeFacts, PriorHonour
from workflow.importing import DEEDS_MAX, SUMMARY_MAX, ImportedNomination

Text = Field(default="", max_length=200)


class PriorHonourIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    level: Literal["unit", "municipal", "provincial", "national"]
    year: int = Field(ge=1949, le=2100)


class NomineeIn(BaseModel):
    """The nominee's facts, as the form has them (codes, not labels)."""

    name: str = Field(min_length=1, max_length=100)
    birth_date: date
    gender: Literal["M", "F"]
    ethnicity: str = Field(default="汉族", min_length=1, max_length=40)
    employer: str = Field(min_length=1, max_length=200)
    employer_type: str = "enterprise"
    ownership: str = "state"
    category: str = "front_line_worker"
    official_level: str = "none"
    retired: bool = False
    disability: bool = False
    migrant_worker: bool = False
    gig_worker: bool = False
    is_unit_leader: bool = False
    new_major_contribution: bool = False
    prior_honours: list[PriorHonourIn] = Field(default_factory=list, max_length=50)
    votes_for: int | None = Field(default=None, ge=0, le=10_000_000)
    votes_total: int | None = Field(default=None, ge=0, le=10_000_000)
    unit_notice_start: date | None = None
    unit_notice_end: date | None = None
    id_number: str = Field(default="", max_length=30)
    phone: str = Field(default="", max_length=30)

    @field_validator("employer_type", "ownership", "category", "official_level")
    @classmethod
    def _known_code(cls, value: str, info: Any) -> str:
        vocab = {
            "employer_type": v.EMPLOYER_TYPES,
            "ownership": v.OWNERSHIPS,
            "category": v.CATEGORIES,
            "official_level": v.OFFICIAL_LEVELS,
        }[info.field_name]
        if value not in vocab:
            # The type and figures name a catalogue entry (web.errors.problem_message).
            raise PydanticCustomError(
                "not_in_vocabulary",
                "must be one of {allowed}",
                {"allowed": ", ".join(vocab), "vocabulary": info.field_name},
            )
        return value

    def facts(self) -> NomineeFacts:
        """The facts the rules read."""
        data = self.model_dump()
        data["prior_honours"] = tuple(PriorHonour(**h) for h in data["prior_honours"])
        return NomineeFacts(**data)


class NominationIn(BaseModel):
    campaign: str = Field(min_length=1, max_length=60, description="campaign code or id")
    unit_code: str = Field(min_length=1, max_length=60)
    rank: Literal["main", "alternate"] = "main"
    alternate_order: int | None = Field(default=None, ge=1, le=100)
    honour: str = Text
    summary: str = Field(min_length=1, max_length=SUMMARY_MAX)
    deeds: str = Field(default="", max_length=DEEDS_MAX)
    nominee: NomineeIn

    @model_validator(mode="after")
    def _rank_and_order(self) -> Self:
        if (self.rank == "alternate") != (self.alternate_order is not None):
            raise PydanticCustomError(
                "alternate_order",
                "an alternate needs an alternate_order; a main nomination has none",
            )
        return self

    def entry(self) -> ImportedNomination:
        """The nomination as the import would have read it."""
        return ImportedNomination(
            self.nominee.facts(),
            self.honour,
            self.rank,
            self.alternate_order,
            self.summary,
            self.deeds,
            row=0,
        )


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
    trigger: str = Field(min_length=1, max_length=60, pattern=r"^[a-z_]+$")
    reason: str | None = Field(default=None, max_length=2000)
    expected_version: int | None = Field(default=None, ge=1)


class ConflictIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


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
