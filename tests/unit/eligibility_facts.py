"""Shared helpers of the eligibility-rule tests: nominee facts, a context, one rule's run."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from workflow.calendar import WorkingCalendar
from workflow.errors import RuleFailure
from workflow.facts import NomineeFacts, PriorHonour
from workflow.rules.eligibility import ELIGIBILITY_RULES, EligibilityContext, parse_rule_params

CAL = WorkingCalendar()
REF = date(2025, 6, 30)


def facts(**kw: Any) -> NomineeFacts:
    return NomineeFacts(name="张三", birth_date=date(1980, 5, 1), **kw)


def ctx(level: str = "provincial", ref: date = REF, **kw: Any) -> EligibilityContext:
    base = EligibilityContext(reference_date=ref, honour_level=level, registry=(), calendar=CAL)
    return replace(base, **kw)


def run(
    rule: str, nominee: NomineeFacts, context: EligibilityContext, params: dict[str, Any] | None
) -> RuleFailure | None:
    return ELIGIBILITY_RULES[rule].check(nominee, context, parse_rule_params(rule, params))


def honour(level: str, year: int, title: str = "劳动模范") -> PriorHonour:
    return PriorHonour(title=title, level=level, year=year)


# (rule, params, facts, context, expected reason fragments; None = passes)
Case = tuple[str, dict[str, Any] | None, NomineeFacts, EligibilityContext, list[str] | None]

EVAL_OK = {"ownership": "non_public", "evaluation_grade": "A"}
LEADER = {"category": "enterprise_head"}
