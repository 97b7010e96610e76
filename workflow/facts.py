"""Plain facts about a nominee that the rules read; no database types here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

# Honour levels, lowest first; the index is the rank used to compare levels.
HONOUR_LEVELS: tuple[str, ...] = ("unit", "municipal", "provincial", "national")


def level_rank(level: str) -> int:
    """Rank of an honour level (higher is more senior); unknown levels rank lowest."""
    return HONOUR_LEVELS.index(level) if level in HONOUR_LEVELS else -1


@dataclass(frozen=True)
class PriorHonour:
    """An honour the nominee already holds, as recorded on the form or in the registry."""

    title: str
    level: str
    year: int


@dataclass(frozen=True)
class NomineeFacts:
    """Everything the eligibility and composition rules may look at."""

    name: str
    birth_date: date
    gender: str = "M"  # "M" or "F"
    ethnicity: str = "汉族"
    employer: str = ""
    employer_type: str = (
        "enterprise"  # enterprise, government, public_institution, village, social_org
    )
    ownership: str = "state"  # state, non_public, public
    category: str = "front_line_worker"  # see config/workflows/*.yaml for the vocabulary
    official_level: str = "none"  # none, section, county, bureau
    # 行业领域 and 岗位类型, codes of the definition's own vocabularies; "" when not given.
    sector: str = ""
    post: str = ""
    recommending_unit: str = ""
    retired: bool = False
    retirement_exception: bool = False
    deceased: bool = False
    died_during_review: bool = False
    military: bool = False
    nationality: str = "CN"
    disability: bool = False
    migrant_worker: bool = False
    gig_worker: bool = False
    prior_honours: tuple[PriorHonour, ...] = ()
    new_major_contribution: bool = False
    is_unit_leader: bool = False
    votes_for: int | None = None
    votes_total: int | None = None
    unit_notice_start: date | None = None
    unit_notice_end: date | None = None
    # Enterprise-head checks (true means the problem is present).
    tax_problem: bool = False
    wage_arrears: bool = False
    social_insurance_arrears: bool = False
    major_safety_accident: bool = False
    serious_pollution: bool = False
    no_union: bool = False
    wage_arrears_blacklist: bool = False
    # Non-public-sector comprehensive evaluation (综合评价).
    evaluation_grade: str | None = None
    evaluation_date: date | None = None
    # Personal data: shown in full only to those who handle the nomination (see web masking).
    id_number: str = ""
    phone: str = ""
    extra: dict[str, str] = field(default_factory=dict)


_DATE_FIELDS = ("birth_date", "unit_notice_start", "unit_notice_end", "evaluation_date")


def facts_to_json(facts: NomineeFacts) -> dict[str, Any]:
    """A JSON-ready mapping of the facts (dates as ISO strings)."""
    data = asdict(facts)
    for key in _DATE_FIELDS:
        value = data[key]
        data[key] = value.isoformat() if value is not None else None
    data["prior_honours"] = [asdict(h) for h in facts.prior_honours]
    return data


def facts_from_json(data: Mapping[str, Any]) -> NomineeFacts:
    """Rebuild facts stored by facts_to_json."""
    values = dict(data)
    for key in _DATE_FIELDS:
        if values.get(key) is not None:
            values[key] = date.fromisoformat(values[key])
    values["prior_honours"] = tuple(PriorHonour(**h) for h in values.get("prior_honours", ()))
    return NomineeFacts(**values)
