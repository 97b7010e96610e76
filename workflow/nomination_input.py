"""The one input model of a nomination's fields: the API, the page form and their checks.

The API's `NominationIn` adds the campaign and the unit to these fields; the page form fills
the same model; the cross-field checks are the import's own (`workflow.nominee_checks`), so
a nomination is held to the same rules however it comes in.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Self

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from config.catalogue import Message
from workflow import nominee_checks as checks
from workflow.clean_text import CleanLongText, CleanText
from workflow.facts import NomineeFacts, PriorHonour
from workflow.importing import DEEDS_MAX, SUMMARY_MAX, ImportedNomination
from workflow.problems import Problem


class PriorHonourIn(BaseModel):
    title: CleanText = Field(min_length=1, max_length=200)
    level: Literal["unit", "municipal", "provincial", "national"]
    year: int = Field(ge=1949, le=2100)


def _refuse(problem: Message | None) -> None:
    # A Problem keeps the catalogue Message, so the reader gets it in their language.
    if problem is not None:
        raise Problem(problem)


class NomineeIn(BaseModel):
    """The nominee's facts, as the form has them (codes, not labels)."""

    name: CleanText = Field(min_length=1, max_length=100)
    birth_date: date
    gender: str
    ethnicity: CleanText = Field(default="汉族", min_length=1, max_length=40)
    employer: CleanText = Field(min_length=1, max_length=200)
    employer_type: str = "enterprise"
    # None: the one the employer type implies (as in the import).
    ownership: str | None = None
    category: str = "front_line_worker"
    official_level: str = "none"
    sector: str = ""
    post: str = ""
    retired: bool = False
    disability: bool = False
    migrant_worker: bool = False
    gig_worker: bool = False
    is_unit_leader: bool = False
    new_major_contribution: bool = False
    nationality: CleanText = Field(default="CN", min_length=1, max_length=40)
    military: bool = False
    deceased: bool = False
    retirement_exception: bool = False
    tax_problem: bool = False
    wage_arrears: bool = False
    social_insurance_arrears: bool = False
    major_safety_accident: bool = False
    serious_pollution: bool = False
    no_union: bool = False
    wage_arrears_blacklist: bool = False
    evaluation_grade: Literal["A", "B", "C", "D"] | None = None
    evaluation_date: date | None = None
    prior_honours: list[PriorHonourIn] = Field(default_factory=list, max_length=50)
    # Declared before votes_for and unit_notice_end, so their checks can see them.
    votes_total: int | None = Field(default=None, ge=0, le=10_000_000)
    votes_for: int | None = Field(default=None, ge=0, le=10_000_000)
    unit_notice_start: date | None = None
    unit_notice_end: date | None = None
    id_number: CleanText = Field(default="", max_length=30)
    phone: CleanText = Field(default="", max_length=30)

    # Codes are checked against the campaign's own vocabularies where the nomination is made
    # (`services.nominations`); here only their length, and the ownership against the type.
    @field_validator(
        "gender", "employer_type", "ownership", "category", "official_level", "sector", "post"
    )
    @classmethod
    def _short_code(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and len(value) > 40:
            raise PydanticCustomError("string_too_long", "too long", {"max_length": 40})
        if info.field_name == "ownership" and "employer_type" in info.data:
            _refuse(checks.ownership_problem(info.data["employer_type"], value))
        return value

    @field_validator("votes_for")
    @classmethod
    def _votes(cls, value: int | None, info: ValidationInfo) -> int | None:
        _refuse(checks.votes_problem(value, info.data.get("votes_total")))
        return value

    @field_validator("unit_notice_end")
    @classmethod
    def _notice(cls, value: date | None, info: ValidationInfo) -> date | None:
        _refuse(checks.notice_problem(info.data.get("unit_notice_start"), value))
        return value

    def facts(self) -> NomineeFacts:
        """The facts the rules read."""
        data: dict[str, Any] = self.model_dump()
        data["prior_honours"] = tuple(PriorHonour(**h) for h in data["prior_honours"])
        data["ownership"] = checks.ownership_or_default(data["employer_type"], data["ownership"])
        return NomineeFacts(**data)


class NominationFields(BaseModel):
    """What a unit writes about one nomination: rank, honour, deeds and the nominee."""

    rank: Literal["main", "alternate"] = "main"
    alternate_order: int | None = Field(default=None, ge=1, le=100)
    honour: CleanText = Field(default="", max_length=200)
    summary: CleanLongText = Field(min_length=1, max_length=SUMMARY_MAX)
    deeds: CleanLongText = Field(default="", max_length=DEEDS_MAX)
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
