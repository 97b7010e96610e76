"""Rules on what a recommending unit may put forward as a whole (its places and alternates)."""

from __future__ import annotations

from collections.abc import Collection

from pydantic import BaseModel, ConfigDict, Field, field_validator

from config.catalogue import Label, Listing, msg
from workflow.errors import RuleFailure
from workflow.facts import NomineeFacts
from workflow.problems import Problem
from workflow.vocabulary import CATEGORIES, OFFICIAL_LEVELS


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _codes(vocabulary: dict[str, str], values: list[str]) -> list[str]:
    unknown = [v for v in values if v not in vocabulary]
    if unknown:
        known = Listing(tuple(vocabulary))
        raise Problem(msg("definition.unknown_codes", codes=Listing(tuple(unknown)), known=known))
    return values


class OfficialAllowance(_Params):
    """Units with `min_places` places or more may nominate `max_count` officials of these levels."""

    min_places: int = Field(default=5, ge=0)
    max_count: int = Field(default=1, ge=0)
    official_levels: list[str] = Field(default_factory=lambda: ["county", "bureau"])

    @field_validator("official_levels")
    @classmethod
    def _known_levels(cls, values: list[str]) -> list[str]:
        return _codes(OFFICIAL_LEVELS, values)

    def applies(self, facts: NomineeFacts) -> bool:
        """Whether the nominee is an official the allowance counts."""
        return facts.official_level in self.official_levels


class HeadNeedsAlternate(_Params):
    """A main nominee of these categories needs an alternate of the front-line categories."""

    head_categories: list[str] = Field(default_factory=lambda: ["enterprise_head"])
    alternate_categories: list[str] = Field(
        default_factory=lambda: ["front_line_worker", "technician", "migrant_worker", "gig_worker"]
    )

    @field_validator("head_categories", "alternate_categories")
    @classmethod
    def _known_categories(cls, values: list[str]) -> list[str]:
        return _codes(CATEGORIES, values)


class UnitRules(_Params):
    """The unit rules a definition switches on (absent means not applied)."""

    official_allowance: OfficialAllowance | None = None
    enterprise_head_alternate: HeadNeedsAlternate | None = None


def check_official_allowance(
    rule: OfficialAllowance, facts: NomineeFacts, unit: str, places: int, officials_held: int
) -> RuleFailure | None:
    """Refuse an official beyond what the unit's number of places allows."""
    if not rule.applies(facts):
        return None
    if places < rule.min_places:
        reason = msg(
            "rule.official_allowance.too_few_places",
            unit=unit,
            places=places,
            level=Label("vocab.official_level", facts.official_level),
            min_places=rule.min_places,
        )
        return RuleFailure("official_allowance", reason)
    if officials_held >= rule.max_count:
        levels = tuple(Label("vocab.official_level", code) for code in rule.official_levels)
        reason = msg(
            "rule.official_allowance.limit_reached",
            unit=unit,
            held=officials_held,
            levels=Listing(levels, "slash"),
            max_count=rule.max_count,
        )
        return RuleFailure("official_allowance", reason)
    return None


def check_head_alternate(
    rule: HeadNeedsAlternate, facts: NomineeFacts, unit: str, alternates: Collection[str]
) -> RuleFailure | None:
    """Refuse an enterprise head whose unit names no front-line alternate."""
    if facts.category not in rule.head_categories:
        return None
    if any(category in rule.alternate_categories for category in alternates):
        return None
    categories = tuple(Label("vocab.category", code) for code in rule.alternate_categories)
    reason = msg(
        "rule.enterprise_head_alternate.missing",
        unit=unit,
        name=facts.name,
        category=Label("vocab.category", facts.category),
        categories=Listing(categories, "slash"),
    )
    return RuleFailure("enterprise_head_alternate", reason)
