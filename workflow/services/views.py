"""Read-only views for the pages: who may see which nomination, and what of it they see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from models import AuditEvent, HonourRecord, Nomination, Objection, ReviewTask
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.errors import PermissionDenied, Recused
from workflow.facts import NomineeFacts, PriorHonour, facts_from_json
from workflow.permissions import check_recusal
from workflow.repository import get
from workflow.rules.eligibility import EligibilityContext, check_eligibility, parse_rule_params
from workflow.services.definitions import definition_of, machine_of
from workflow.services.visibility import ensure_visible, sees_personal_data
from workflow.step import load_calendar

# Fact keys never shown unmasked outside the full view (identity numbers, phones, addresses).
SENSITIVE_EXTRA = ("id_number", "phone", "mobile", "address", "email", "contact")


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


@dataclass
class NominationView:
    """A nomination as one viewer may see it."""

    nomination: Nomination
    masked: bool
    birth: str
    unit_email: str
    extra: dict[str, str]
    evidence: Evidence
    rules: list[RuleResult]
    timeline: list[AuditEvent]
    tasks: list[ReviewTask]
    objections: list[dict[str, Any]]
    allowed_triggers: list[str]
    facts: NomineeFacts
    notes: list[str] = field(default_factory=list)


def check_can_see(uow: UnitOfWork, actor: Actor, nomination: Nomination) -> None:
    """Refuse a viewer who may not see this nomination: the API's rules, and recusal.

    Visibility is decided in one place (workflow.services.visibility): what a person may
    not see does not exist for them (NotFound), on the pages as in the API.
    """
    ensure_visible(uow, actor, nomination.id)
    if not actor.is_privileged and actor.role != "unit_clerk":
        check_recusal(actor, nomination)  # raises Recused


def is_recused(actor: Actor, nomination: Nomination) -> bool:
    """Whether the reviewer must stand aside from this nomination."""
    try:
        check_recusal(actor, nomination)
    except Recused:
        return True
    return False


def nomination_view(uow: UnitOfWork, nomination_id: int, actor: Actor) -> NominationView:
    """Everything the detail page shows, masked unless the viewer may see it all."""
    n = get(uow, Nomination, nomination_id, "nomination")
    check_can_see(uow, actor, n)
    full = sees_personal_data(actor, n)
    facts = facts_from_json(n.facts)
    return NominationView(
        nomination=n,
        masked=not full,
        birth=n.birth_date.isoformat() if full else f"{n.birth_date.year}-**-**",
        unit_email=(n.unit.email or "") if full else mask(n.unit.email or ""),
        extra=_extra(facts, full),
        evidence=evidence(uow, facts),
        rules=rule_results(uow, n, facts),
        timeline=timeline(uow, n.id),
        tasks=list(
            uow.session.scalars(
                select(ReviewTask).where(ReviewTask.nomination_id == n.id).order_by(ReviewTask.id)
            )
        ),
        objections=objection_rows(uow, n.id, full),
        allowed_triggers=machine_of(n.definition).allowed_triggers(n.status),
        facts=facts,
    )


def _extra(facts: NomineeFacts, full: bool) -> dict[str, str]:
    return {k: v if full or k not in SENSITIVE_EXTRA else mask(v) for k, v in facts.extra.items()}


def mask(value: str) -> str:
    """Keep the first and last character, hide the rest."""
    if len(value) <= 2:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]


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


def timeline(uow: UnitOfWork, nomination_id: int) -> list[AuditEvent]:
    """The nomination's audit events, oldest first."""
    return list(
        uow.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.nomination_id == nomination_id)
            .order_by(AuditEvent.seq)
        )
    )


def objection_rows(uow: UnitOfWork, nomination_id: int, full: bool) -> list[dict[str, Any]]:
    """Objections on the nomination; the reporter's name and contact masked unless full."""
    rows = uow.session.scalars(
        select(Objection).where(Objection.nomination_id == nomination_id).order_by(Objection.id)
    )
    return [
        {
            "id": o.id,
            "source": o.source,
            "received_on": o.received_on,
            "content": o.content,
            "status": o.status,
            "finding": o.finding,
            "answer_due_at": o.answer_due_at,
            "reporter": (o.reporter_name or o.unit_stamp or "")
            if full
            else mask(o.reporter_name or o.unit_stamp or ""),
            "contact": (o.contact or "") if full else mask(o.contact or ""),
        }
        for o in rows
    ]


def detail_allowed(uow: UnitOfWork, actor: Actor, nomination_id: int) -> bool:
    """Whether the viewer may open the nomination's detail page."""
    try:
        check_can_see(uow, actor, get(uow, Nomination, nomination_id, "nomination"))
    except PermissionDenied:
        return False
    return True
