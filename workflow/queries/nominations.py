"""Nominations as people read them: lists and the detail, through the access policy.

The API's list and detail, the nomination and task pages, the unit's page and
`honorflow nominations list|show` all read here, so they show the same rows and the same
fields to the same person: not visible is NotFound, a recused reviewer is refused (and that
is audited once) and gets no row of the nomination in a list, personal data is masked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from models import AuditEvent, Nomination, RecommendingUnit, ReviewTask
from models.uow import UnitOfWork
from workflow.access import (
    nomination_filter,
    not_recused_filter,
    permitted_triggers,
    require_unit_clerk,
    shown_facts,
)
from workflow.access.masking import (
    SENSITIVE_FACTS,
    audit_id_number_view,
    disclosure,
    has_id_number,
    mask_birth_date,
    mask_text,
    mask_value,
)
from workflow.access.reads import readable_nomination
from workflow.actors import Actor
from workflow.facts import NomineeFacts, facts_from_json
from workflow.queries import audit, objections
from workflow.queries.eligibility import Evidence, RuleResult, evidence, rule_results
from workflow.queries.objections import ObjectionView
from workflow.queries.paging import Paged, page


@dataclass
class NominationView:
    """A nomination as one viewer may see it; every personal field already masked for them."""

    nomination: Nomination
    masked: bool
    birth: str
    unit_email: str
    facts: NomineeFacts  # identity number, phone and the extra facts masked unless full
    shown_facts: dict[str, Any]  # the stored facts, masked the same way
    extra: dict[str, str]
    evidence: Evidence
    rules: list[RuleResult]
    timeline: list[AuditEvent]
    tasks: list[ReviewTask]
    objections: list[ObjectionView]
    allowed_triggers: list[str]  # the triggers this viewer may fire now (guards aside)
    id_number_audited: bool = False  # shown by the department's setting, so this read is audited


def nomination_detail(
    uow: UnitOfWork, actor: Actor, nomination_id: int, now: datetime
) -> NominationView:
    """The detail: NotFound if the actor may not see it, Recused if recused (each audited once
    when the nomination exists)."""
    nomination = readable_nomination(uow, actor, nomination_id, "view", now)
    return build_view(uow, actor, nomination, now)


def build_view(uow: UnitOfWork, actor: Actor, n: Nomination, now: datetime) -> NominationView:
    """The view of a nomination the caller has already checked the actor may read; a full
    identity number shown by a department's setting is audited, once per read."""
    shown = disclosure(actor, n)
    full = shown.personal
    audited = shown.audited and has_id_number(n.facts)
    if audited:
        audit_id_number_view(uow, actor, n, now)
    facts = facts_from_json(n.facts)
    extra = _extra(facts, full, shown.id_number)
    return NominationView(
        nomination=n,
        masked=not full,
        birth=n.birth_date.isoformat() if full else mask_birth_date(n.birth_date.isoformat()),
        unit_email=(n.unit.email or "") if full else mask_text(n.unit.email or ""),
        facts=facts if full else _masked_facts(facts, extra, shown.id_number),
        shown_facts=shown_facts(n.facts, full, shown.id_number),
        extra=extra,
        evidence=evidence(uow, facts),
        rules=rule_results(uow, n, facts),
        timeline=audit.timeline(uow, n.id),
        tasks=list(
            uow.session.scalars(
                select(ReviewTask).where(ReviewTask.nomination_id == n.id).order_by(ReviewTask.id)
            )
        ),
        objections=objections.of_nomination(uow, actor, n),
        allowed_triggers=permitted_triggers(uow, actor, n, now),
        id_number_audited=audited,
    )


def _extra(facts: NomineeFacts, full: bool, id_number: bool) -> dict[str, str]:
    return {
        k: v if full or k not in SENSITIVE_FACTS else mask_value(k, v, id_number)
        for k, v in facts.extra.items()
    }


def _masked_facts(facts: NomineeFacts, extra: dict[str, str], id_number: bool) -> NomineeFacts:
    return replace(
        facts,
        id_number=mask_value("id_number", facts.id_number, id_number),
        phone=mask_value("phone", facts.phone),
        extra=extra,
    )


@dataclass(frozen=True)
class NominationQuery:
    """Filters of the nomination list; None means any."""

    campaign_id: int | None = None
    status: str | None = None
    unit_code: str | None = None
    category: str | None = None
    name: str | None = None


def list_nominations(
    uow: UnitOfWork, actor: Actor, where: NominationQuery, limit: int = 50, offset: int = 0
) -> Paged[Nomination]:
    """The nominations the actor may see (recused ones left out) matching the filters, by id."""
    query = (
        select(Nomination)
        .where(nomination_filter(uow, actor), not_recused_filter(actor))
        .order_by(Nomination.id)
    )
    if where.campaign_id is not None:
        query = query.where(Nomination.campaign_id == where.campaign_id)
    if where.status:
        query = query.where(Nomination.status == where.status)
    if where.unit_code:
        units = select(RecommendingUnit.id).where(RecommendingUnit.code == where.unit_code)
        query = query.where(Nomination.unit_id.in_(units))
    if where.category:
        query = query.where(Nomination.category == where.category)
    if where.name:
        query = query.where(Nomination.name.contains(where.name, autoescape=True))
    return page(uow, query, limit, offset)


def unit_nominations(uow: UnitOfWork, actor: Actor) -> list[Nomination]:
    """A unit's nominations in every campaign (every unit's for an admin), newest campaign first."""
    require_unit_clerk(actor)
    query = (
        select(Nomination)
        .where(nomination_filter(uow, actor))
        .order_by(Nomination.campaign_id.desc(), Nomination.id)
    )
    return list(uow.session.scalars(query).unique())
