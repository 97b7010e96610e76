"""Parameter models of the eligibility rules, validated when a workflow definition is loaded.

Defaults are the typical figures of DOMAIN.md. Unknown keys and unknown codes are refused, so a
typo in a definition fails loudly instead of silently disabling a check.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, get_type_hints

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from config.catalogue import Listing, msg
from workflow import vocabulary
from workflow.facts import HONOUR_LEVELS, NomineeFacts
from workflow.problems import Problem


class _Params(BaseModel):
    # Typos in a workflow definition must fail loudly, not fall back to a default.
    model_config = ConfigDict(extra="forbid", frozen=True)


def _in(vocab: Collection[str], what: str) -> AfterValidator:
    """A validator refusing codes outside a vocabulary: a typo would silently disable a check."""

    def check(code: str) -> str:
        if code not in vocab:
            problem = msg(
                "definition.unknown_code",
                what=msg(f"param.{what}"),
                value=code,
                known=Listing(tuple(vocab)),
            )
            raise Problem(problem)
        return code

    return AfterValidator(check)


_BOOL_FACTS = tuple(n for n, t in get_type_hints(NomineeFacts).items() if t is bool)
Level = Annotated[str, _in(HONOUR_LEVELS, "honour_level")]
BoolFact = Annotated[str, _in(_BOOL_FACTS, "bool_fact")]
Category = Annotated[str, _in(vocabulary.CATEGORIES, "category")]
Ownership = Annotated[str, _in(vocabulary.OWNERSHIPS, "ownership")]


class NoParams(_Params):
    """Parameters of a rule that takes none."""


class NationalityParams(_Params):
    allowed: tuple[str, ...] = Field(default=("CN",), min_length=1)


class PriorHonourParams(_Params):
    window_years: int = Field(default=5, ge=0)


class RequiredLowerHonourParams(_Params):
    min_level: Level = "municipal"
    applies_to_levels: tuple[Level, ...] = ("provincial", "national")


class EnterpriseHeadParams(_Params):
    categories: tuple[Category, ...] = ("enterprise_head",)
    checks: tuple[BoolFact, ...] = (
        "tax_problem",
        "wage_arrears",
        "social_insurance_arrears",
        "major_safety_accident",
        "serious_pollution",
        "no_union",
    )


class NonpublicEvaluationParams(_Params):
    ownership: Ownership = "non_public"
    categories: tuple[Category, ...] | None = None  # None: every category
    accepted_grades: tuple[str, ...] = Field(default=("A", "B"), min_length=1)
    valid_years: int = Field(default=3, ge=1)


class DemocraticParams(_Params):
    approval_min: float = Field(default=0.5, ge=0, le=1)
    leader_approval_min: float = Field(default=0.85, ge=0, le=1)
    leader_categories: tuple[Category, ...] = ("enterprise_head", "official")


class UnitNoticeParams(_Params):
    min_working_days: int = Field(default=5, ge=1)
