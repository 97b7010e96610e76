"""What the detail of a nomination shows about its eligibility: evidence and rule results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from config.catalogue import DEFAULT, Listing, Message, msg, render
from models import HonourRecord, Nomination
from models.uow import UnitOfWork
from workflow.errors import HonorflowError, RuleFailure
from workflow.facts import NomineeFacts, PriorHonour
from workflow.problems import Problem
from workflow.rules.eligibility import EligibilityContext, check_eligibility, parse_rule_params
from workflow.services.definitions import definition_of
from workflow.step import load_calendar


@dataclass(frozen=True)
class RuleResult:
    """One eligibility rule run on the nominee's facts: passed, or why not.

    `message` is the reason as a code and figures (None when the rule passed): a page or
    the API renders it in its reader's language (`reason_in`).
    """

    rule: str
    ok: bool
    message: Message | None = None

    @property
    def code(self) -> str | None:
        """The reason's catalogue code, e.g. `rule.unit_notice.too_short`."""
        return self.message.code if self.message is not None else None

    def reason_in(self, locale: str = DEFAULT) -> str:
        """The reason in a locale ("" when the rule passed)."""
        return render(self.message, locale) if self.message is not None else ""

    @property
    def reason(self) -> str:
        """The reason in Chinese."""
        return self.reason_in(DEFAULT)


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


def _reasons(failures: list[RuleFailure]) -> Message | None:
    """A rule's failures as one Message (a rule refuses once; more are joined all the same)."""
    if len(failures) <= 1:
        return failures[0].message if failures else None
    return msg("text.joined", items=Listing(tuple(f.message for f in failures), "semicolon"))


def _problem(exc: Exception) -> Message:
    """Why a rule could not run, as a Message (an error's own words, else its text)."""
    if isinstance(exc, HonorflowError | Problem) and exc.message is not None:
        return exc.message
    return msg("text.plain", text=str(exc))


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
            results.append(RuleResult(name, False, _problem(exc)))
            continue
        results.append(RuleResult(name, not failures, _reasons(failures)))
    return results
