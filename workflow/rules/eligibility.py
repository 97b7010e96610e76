"""Eligibility rules: each named, configured with parameters, and failing with a reason.

Parameter models (eligibility_params.py) default to the typical figures of DOMAIN.md; an
administrator overrides them per campaign in the workflow definition. Every failure names its
rule and the figures it applied.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from workflow.calendar import WorkingCalendar
from workflow.errors import RuleFailure
from workflow.facts import NomineeFacts, PriorHonour, level_rank
from workflow.rules.eligibility_params import (
    DemocraticParams,
    EnterpriseHeadParams,
    NationalityParams,
    NonpublicEvaluationParams,
    NoParams,
    PriorHonourParams,
    RequiredLowerHonourParams,
    UnitNoticeParams,
)

__all__ = [
    "ELIGIBILITY_RULES",
    "Check",
    "EligibilityContext",
    "NoParams",  # re-exported: callers build a parameterless rule's params from here
    "RuleSpec",
    "check_eligibility",
    "parse_rule_params",
]


@dataclass(frozen=True)
class EligibilityContext:
    """What the rules need besides the nominee's own facts."""

    reference_date: date  # the campaign's reference date; ages and windows count from it
    honour_level: str  # level of the honour being selected (one of HONOUR_LEVELS)
    registry: tuple[PriorHonour, ...]  # the honours registry's entries for this person
    calendar: WorkingCalendar


Check = Callable[[NomineeFacts, EligibilityContext, BaseModel], RuleFailure | None]


class RuleSpec(NamedTuple):
    """A registered rule: its name, parameter model, check and a description for admins."""

    name: str
    params_model: type[BaseModel]
    check: Check
    description: str


def _nationality(
    facts: NomineeFacts, ctx: EligibilityContext, p: NationalityParams
) -> RuleFailure | None:
    if facts.nationality in p.allowed:
        return None
    allowed = ", ".join(p.allowed)
    return RuleFailure("nationality", f"nationality {facts.nationality!r} is not in {allowed}")


def _all_honours(facts: NomineeFacts, ctx: EligibilityContext) -> list[PriorHonour]:
    # The form and the registry often list the same honour; report it once.
    return list(dict.fromkeys(facts.prior_honours + ctx.registry))


def _prior_honour(
    facts: NomineeFacts, ctx: EligibilityContext, p: PriorHonourParams
) -> RuleFailure | None:
    if facts.new_major_contribution:
        return None
    since = ctx.reference_date.year - p.window_years
    rank = level_rank(ctx.honour_level)
    blocking = [
        h for h in _all_honours(facts, ctx) if h.year >= since and level_rank(h.level) >= rank
    ]
    if not blocking:
        return None
    held = ", ".join(f"'{h.title}' ({h.level}, {h.year})" for h in blocking)
    return RuleFailure(
        "prior_honour",
        f"already holds {held}, at or above the {ctx.honour_level} level, "
        f"awarded in {since} or later ({p.window_years}-year window); "
        "no new major contribution is recorded",
    )


def _required_lower_honour(
    facts: NomineeFacts, ctx: EligibilityContext, p: RequiredLowerHonourParams
) -> RuleFailure | None:
    if ctx.honour_level not in p.applies_to_levels:
        return None
    low, high = level_rank(p.min_level), level_rank(ctx.honour_level)
    if any(low <= level_rank(h.level) < high for h in _all_honours(facts, ctx)):
        return None
    return RuleFailure(
        "required_lower_honour",
        f"a {ctx.honour_level} honour needs a prior honour from {p.min_level} level up to "
        f"below {ctx.honour_level}; none is recorded",
    )


def _enterprise_head_checks(
    facts: NomineeFacts, ctx: EligibilityContext, p: EnterpriseHeadParams
) -> RuleFailure | None:
    if facts.category not in p.categories:
        return None
    found = [name for name in p.checks if getattr(facts, name)]
    if not found:
        return None
    return RuleFailure(
        "enterprise_head_checks",
        f"{facts.category} has {len(found)} of {len(p.checks)} checked problems: "
        + ", ".join(found),
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _nonpublic_evaluation(
    facts: NomineeFacts, ctx: EligibilityContext, p: NonpublicEvaluationParams
) -> RuleFailure | None:
    if facts.ownership != p.ownership:
        return None
    if p.categories is not None and facts.category not in p.categories:
        return None
    need = f"a {p.ownership} nominee needs grade {' or '.join(p.accepted_grades)}"
    # The boundary day itself is still valid: evaluated exactly valid_years before counts.
    since = _years_before(ctx.reference_date, p.valid_years)
    grade, when = facts.evaluation_grade, facts.evaluation_date
    if grade is None:
        reason = f"no comprehensive evaluation is recorded; {need}"
    elif grade not in p.accepted_grades:
        reason = f"comprehensive evaluation grade {grade} is not accepted; {need}"
    elif when is None:
        reason = f"comprehensive evaluation grade {grade} has no date; {need}"
    elif when < since:
        reason = (
            f"comprehensive evaluation grade {grade} of {when.isoformat()} has expired; "
            f"it must be dated {since.isoformat()} or later ({p.valid_years}-year validity)"
        )
    else:
        return None
    return RuleFailure("nonpublic_evaluation", reason)


def _democratic_recommendation(
    facts: NomineeFacts, ctx: EligibilityContext, p: DemocraticParams
) -> RuleFailure | None:
    name = "democratic_recommendation"
    votes_for, total = facts.votes_for, facts.votes_total
    if votes_for is None or total is None:
        return RuleFailure(name, "no democratic recommendation vote is recorded")
    if total <= 0:
        return RuleFailure(name, f"vote total {total} is not positive")
    if not 0 <= votes_for <= total:
        return RuleFailure(
            name, f"votes for ({votes_for}) must lie between 0 and the total ({total})"
        )
    leader = facts.is_unit_leader or facts.category in p.leader_categories
    # str() gives the decimal the admin wrote (0.85), so 85 of 100 passes exactly.
    required = Fraction(str(p.leader_approval_min if leader else p.approval_min))
    share = Fraction(votes_for, total)
    if share >= required:
        return None
    who = "leader approval" if leader else "approval"
    return RuleFailure(
        name,
        f"{who} {float(share * 100):.1f}% ({votes_for} of {total} votes) "
        f"is below the required {float(required * 100):g}%",
    )


def _unit_notice(
    facts: NomineeFacts, ctx: EligibilityContext, p: UnitNoticeParams
) -> RuleFailure | None:
    start, end = facts.unit_notice_start, facts.unit_notice_end
    if start is None or end is None:
        return RuleFailure("unit_notice", "unit-level notice start or end date is missing")
    # CalendarRangeError propagates: past the known years the calendar refuses to guess.
    days = ctx.calendar.working_days_between(start, end)
    if days >= p.min_working_days:
        return None
    return RuleFailure(
        "unit_notice",
        f"unit-level notice {start.isoformat()} to {end.isoformat()} spans {days} working "
        f"day(s); at least {p.min_working_days} are required",
    )


P = TypeVar("P", bound=BaseModel)

_RETIRED = "nominee is retired and no retirement exception is recorded"
_DECEASED = "nominee is deceased and did not die during the review"
_BLACKLIST = "nominee is on the wage-arrears blacklist"
_LOWER = "national and provincial nominees need a lower-level honour first"
_HEAD = "tax, arrears, safety, pollution and union checks on enterprise heads"
_EVAL = "non-public-sector nominees need a current A or B comprehensive evaluation"
_VOTE = "approval share in the democratic recommendation; higher for unit leaders"


def _spec(
    name: str,
    params_model: type[P],
    check: Callable[[NomineeFacts, EligibilityContext, P], RuleFailure | None],
    description: str,
) -> RuleSpec:
    """Wrap a typed check so the registry can hold every rule under one signature."""

    def run(facts: NomineeFacts, ctx: EligibilityContext, params: BaseModel) -> RuleFailure | None:
        # A model of the wrong type is a wiring bug; fail loudly rather than misread it.
        if not isinstance(params, params_model):
            raise TypeError(f"rule {name!r} needs {params_model.__name__}, got {type(params)}")
        return check(facts, ctx, params)

    return RuleSpec(name, params_model, run, description)


def _flag_spec(name: str, flag: str, excuse: str | None, reason: str) -> RuleSpec:
    """A parameterless rule: fails when a yes/no fact is set and its excuse (if any) is not."""

    def check(facts: NomineeFacts, ctx: EligibilityContext, p: NoParams) -> RuleFailure | None:
        excused = excuse is not None and bool(getattr(facts, excuse))
        return RuleFailure(name, reason) if getattr(facts, flag) and not excused else None

    return _spec(name, NoParams, check, f"fails when the {reason}")


_SPECS = (
    _flag_spec("retired", "retired", "retirement_exception", _RETIRED),
    _flag_spec("deceased", "deceased", "died_during_review", _DECEASED),
    _flag_spec("military", "military", None, "nominee is serving in the active military"),
    _spec("nationality", NationalityParams, _nationality, "only the allowed nationalities"),
    _spec("prior_honour", PriorHonourParams, _prior_honour, "same or higher honour in the window"),
    _spec("required_lower_honour", RequiredLowerHonourParams, _required_lower_honour, _LOWER),
    _spec("enterprise_head_checks", EnterpriseHeadParams, _enterprise_head_checks, _HEAD),
    _flag_spec("wage_arrears_blacklist", "wage_arrears_blacklist", None, _BLACKLIST),
    _spec("nonpublic_evaluation", NonpublicEvaluationParams, _nonpublic_evaluation, _EVAL),
    _spec("democratic_recommendation", DemocraticParams, _democratic_recommendation, _VOTE),
    _spec("unit_notice", UnitNoticeParams, _unit_notice, "unit notice lasts enough working days"),
)
ELIGIBILITY_RULES: Mapping[str, RuleSpec] = MappingProxyType({s.name: s for s in _SPECS})


def _spec_named(name: str) -> RuleSpec:
    spec = ELIGIBILITY_RULES.get(name)
    if spec is None:
        known = ", ".join(ELIGIBILITY_RULES)
        raise ValueError(f"unknown eligibility rule {name!r}; known: {known}")
    return spec


def parse_rule_params(name: str, params: Mapping[str, Any] | None) -> BaseModel:
    """Validate a rule's parameters; ValueError names an unknown rule or a bad parameter."""
    spec = _spec_named(name)
    try:
        return spec.params_model.model_validate(dict(params or {}))
    except ValidationError as exc:
        raise ValueError(f"eligibility rule {name!r}: {exc}") from exc


def check_eligibility(
    facts: NomineeFacts, ctx: EligibilityContext, configured: Mapping[str, BaseModel]
) -> list[RuleFailure]:
    """Run the configured rules in order and return every failure (empty: eligible)."""
    failures: list[RuleFailure] = []
    for name, params in configured.items():
        failure = _spec_named(name).check(facts, ctx, params)
        if failure is not None:
            failures.append(failure)
    return failures
