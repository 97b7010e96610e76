"""Eligibility rules: each named, configured with parameters, and failing with a reason.

Parameter models (eligibility_params.py) default to the typical figures of DOMAIN.md; an
administrator overrides them per campaign in the workflow definition. Every failure names its
rule and the figures it applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from config.catalogue import Label, Listing, msg
from workflow.errors import RuleFailure
from workflow.facts import NomineeFacts, PriorHonour, level_rank
from workflow.problems import Problem
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
from workflow.rules.eligibility_specs import (
    Check,
    EligibilityContext,
    RuleSpec,
    about,
    flag_spec,
    spec,
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


def _nationality(
    facts: NomineeFacts, ctx: EligibilityContext, p: NationalityParams
) -> RuleFailure | None:
    if facts.nationality in p.allowed:
        return None
    reason = msg("rule.nationality.not_allowed", nationality=facts.nationality, allowed=p.allowed)
    return RuleFailure("nationality", reason)


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
    held = [
        msg("rule.prior_honour.held", title=h.title, level=_level(h.level), year=h.year)
        for h in blocking
    ]
    reason = msg(
        "rule.prior_honour.already_held",
        held=held,
        level=_level(ctx.honour_level),
        since=since,
        window=p.window_years,
    )
    return RuleFailure("prior_honour", reason)


def _level(code: str) -> Label:
    return Label("vocab.honour_level", code)


def _required_lower_honour(
    facts: NomineeFacts, ctx: EligibilityContext, p: RequiredLowerHonourParams
) -> RuleFailure | None:
    if ctx.honour_level not in p.applies_to_levels:
        return None
    low, high = level_rank(p.min_level), level_rank(ctx.honour_level)
    if any(low <= level_rank(h.level) < high for h in _all_honours(facts, ctx)):
        return None
    reason = msg(
        "rule.required_lower_honour.missing",
        level=_level(ctx.honour_level),
        min_level=_level(p.min_level),
    )
    return RuleFailure("required_lower_honour", reason)


def _enterprise_head_checks(
    facts: NomineeFacts, ctx: EligibilityContext, p: EnterpriseHeadParams
) -> RuleFailure | None:
    if facts.category not in p.categories:
        return None
    found = [name for name in p.checks if getattr(facts, name)]
    if not found:
        return None
    reason = msg(
        "rule.enterprise_head_checks.problems",
        category=Label("vocab.category", facts.category),
        found=len(found),
        checked=len(p.checks),
        problems=[Label("field", name) for name in found],
    )
    return RuleFailure("enterprise_head_checks", reason)


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
    need = {
        "ownership": Label("vocab.ownership", p.ownership),
        "grades": Listing(tuple(p.accepted_grades), "or"),
    }
    # The boundary day itself is still valid: evaluated exactly valid_years before counts.
    since = _years_before(ctx.reference_date, p.valid_years)
    grade, when = facts.evaluation_grade, facts.evaluation_date
    code = "rule.nonpublic_evaluation."
    if grade is None:
        reason = msg(code + "missing", **need)
    elif grade not in p.accepted_grades:
        reason = msg(code + "grade_not_accepted", grade=grade, **need)
    elif when is None:
        reason = msg(code + "undated", grade=grade, **need)
    elif when < since:
        reason = msg(
            code + "expired", grade=grade, date=when, since=since, valid_years=p.valid_years
        )
    else:
        return None
    return RuleFailure("nonpublic_evaluation", reason)


def _democratic_recommendation(
    facts: NomineeFacts, ctx: EligibilityContext, p: DemocraticParams
) -> RuleFailure | None:
    name = "democratic_recommendation"
    code = f"rule.{name}."
    votes_for, total = facts.votes_for, facts.votes_total
    if votes_for is None or total is None:
        return RuleFailure(name, msg(code + "no_vote"))
    if total <= 0:
        return RuleFailure(name, msg(code + "total_not_positive", total=total))
    if not 0 <= votes_for <= total:
        return RuleFailure(name, msg(code + "votes_out_of_range", votes_for=votes_for, total=total))
    leader = facts.is_unit_leader or facts.category in p.leader_categories
    # str() gives the decimal the admin wrote (0.85), so 85 of 100 passes exactly.
    required = Fraction(str(p.leader_approval_min if leader else p.approval_min))
    share = Fraction(votes_for, total)
    if share >= required:
        return None
    reason = msg(
        code + ("leader_below" if leader else "below"),
        share=float(share * 100),
        votes_for=votes_for,
        total=total,
        required=float(required * 100),
    )
    return RuleFailure(name, reason)


def _unit_notice(
    facts: NomineeFacts, ctx: EligibilityContext, p: UnitNoticeParams
) -> RuleFailure | None:
    start, end = facts.unit_notice_start, facts.unit_notice_end
    if start is None or end is None:
        return RuleFailure("unit_notice", msg("rule.unit_notice.dates_missing"))
    # CalendarRangeError propagates: past the known years the calendar refuses to guess.
    days = ctx.calendar.working_days_between(start, end)
    if days >= p.min_working_days:
        return None
    reason = msg(
        "rule.unit_notice.too_short",
        start=start,
        end=end,
        days=days,
        minimum=p.min_working_days,
    )
    return RuleFailure("unit_notice", reason)


_SPECS = (
    flag_spec("retired", "retired", "retirement_exception"),
    flag_spec("deceased", "deceased", "died_during_review"),
    flag_spec("military", "military"),
    spec("nationality", NationalityParams, _nationality, about("nationality")),
    spec("prior_honour", PriorHonourParams, _prior_honour, about("prior_honour")),
    spec(
        "required_lower_honour",
        RequiredLowerHonourParams,
        _required_lower_honour,
        about("required_lower_honour"),
    ),
    spec(
        "enterprise_head_checks",
        EnterpriseHeadParams,
        _enterprise_head_checks,
        about("enterprise_head_checks"),
    ),
    flag_spec("wage_arrears_blacklist", "wage_arrears_blacklist"),
    spec(
        "nonpublic_evaluation",
        NonpublicEvaluationParams,
        _nonpublic_evaluation,
        about("nonpublic_evaluation"),
    ),
    spec(
        "democratic_recommendation",
        DemocraticParams,
        _democratic_recommendation,
        about("democratic_recommendation"),
    ),
    spec("unit_notice", UnitNoticeParams, _unit_notice, about("unit_notice")),
)
ELIGIBILITY_RULES: Mapping[str, RuleSpec] = MappingProxyType({s.name: s for s in _SPECS})


def _spec_named(name: str) -> RuleSpec:
    spec = ELIGIBILITY_RULES.get(name)
    if spec is None:
        known = Listing(tuple(Label("rule", r) for r in ELIGIBILITY_RULES))
        raise Problem(msg("definition.unknown_rule", rule=name, known=known))
    return spec


def parse_rule_params(name: str, params: Mapping[str, Any] | None) -> BaseModel:
    """Validate a rule's parameters; ValueError names an unknown rule or a bad parameter."""
    rule = _spec_named(name)
    try:
        return rule.params_model.model_validate(dict(params or {}))
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
