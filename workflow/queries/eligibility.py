"""What the detail of a nomination shows about its eligibility: evidence and rule results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from models import HonourRecord, Nomination
from models.uow import UnitOfWork
from workflow.facts import NomineeFacts, PriorHonour
from workflow.rules.eligibility import EligibilityContext, check_eligibility, parse_rule_params
from workflow.services.definitions import definition_of
from workflow.step import load_calendar


@dataclass(frozen=True)
class RuleResult:
    """One eligibility rule run on the nominee's facts: passed, or why not."""

    rule: str
    ok: bool
    reason: str


@dataclass(frozen=True)
class Evidence:
    """The democratic recommendation as the unit reported it."""

    votes_for: int | None
    votes_total: int | None
    approval: float | None
    notice_start: date | None
    notice_end: date | None
    notice_working_days: int | None


def evidence(uow: UnitOfWork, facts: NomineeFacts) -> Evidence:
    """Votes, approval ratio and the unit-level notice, counted in working days."""
    approval = None
    if facts.votes_for is not None and facts.votes_total:
        approval = facts.votes_for / facts.votes_total
    days = None
    if facts.unit_notice_start and facts.unit_notice_end:
        try:
            days = load_calendar(uow).working_days_between(
                facts.unit_notice_start, facts.unit_notice_end
            )
        except Exception:  # a date the calendar does not know: show the dates without a count
            days = None
    return Evidence(
        facts.votes_for,
        facts.votes_total,
        approval,
        facts.unit_notice_start,
        facts.unit_notice_end,
        days,
    )


def rule_results(uow: UnitOfWork, n: Nomination, facts: NomineeFacts) -> list[RuleResult]:
    """Every eligibility rule the definition configures, run now on the nominee's facts."""
    d = definition_of(n.definition)
    records = uow.session.scalars(
        select(HonourRecord).where(
            HonourRecord.person_name == n.name,
            HonourRecord.birth_date == n.birth_date,
            HonourRecord.revoked_on.is_(None),
            HonourRecord.nomination_id != n.id,
        )
    ).all()
    ctx = EligibilityContext(
        reference_date=n.campaign.reference_date,
        honour_level=n.campaign.honour_level,
        registry=tuple(PriorHonour(r.honour, r.honour_level, r.awarded_on.year) for r in records),
        calendar=load_calendar(uow),
    )
    results = []
    for name, params in d.eligibility.items():
        try:
            failures = check_eligibility(facts, ctx, {name: parse_rule_params(name, params)})
        except Exception as exc:  # e.g. a date outside the calendar: say so, do not hide it
            results.append(RuleResult(name, False, str(exc)))
            continue
        reason = "; ".join(f.reason for f in failures)
        results.append(RuleResult(name, not failures, reason))
    return results
