"""The committee's decision on the list as a whole, and revoking an honour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from models import Campaign, Nomination
from models.uow import UnitOfWork
from workflow import audit
from workflow.actors import Actor, require_role
from workflow.definition import StageKind
from workflow.errors import GuardFailed, InvalidState, RuleFailure
from workflow.facts import facts_from_json
from workflow.lifecycles import campaign_phase
from workflow.repository import commit
from workflow.rules.composition import evaluate_composition, parse_composition_rules
from workflow.services.campaigns import get_campaign
from workflow.services.definitions import definition_of
from workflow.services.transitions import TransitionResult, apply, fire


@dataclass(frozen=True)
class Decision:
    awarded: list[int]
    not_approved: list[int]
    override: str | None


def decide(
    uow: UnitOfWork,
    campaign_id: int,
    actor: Actor,
    now: datetime,
    *,
    exceptions: dict[int, str] | None = None,
    override_reason: str | None = None,
) -> Decision:
    """Approve the list before the committee, but for named exceptions; one transaction."""
    require_role(actor, "committee_secretary")
    exceptions = exceptions or {}
    campaign = get_campaign(uow, campaign_id)
    if campaign.phase in (campaign_phase.DECIDED, campaign_phase.CLOSED):
        raise InvalidState(f"campaign {campaign.code} was already decided ({campaign.phase})")
    campaign_phase.LIFECYCLE.check(f"campaign {campaign.code}", campaign.phase, "decided")
    before = _at_committee(uow, campaign)
    unknown = sorted(set(exceptions) - {n.id for n in before})
    if unknown:
        raise InvalidState(f"exceptions name nominations not before the committee: {unknown}")
    if not before:
        raise InvalidState(f"no nomination of {campaign.code} is before the committee")
    approved = [n for n in before if n.rank == "main" and n.id not in exceptions]
    failures = _composition_failures(campaign, approved)
    if failures and not (override_reason and override_reason.strip()):
        raise GuardFailed("decide", failures)
    awarded, rejected = [], []
    for n in before:
        if n in approved:
            apply(uow, n, "approve", actor, now, reason="approved by the committee", internal=True)
            awarded.append(n.id)
        else:
            reason = exceptions.get(n.id) or "alternate not called up"
            apply(uow, n, "reject", actor, now, reason=reason, internal=True)
            rejected.append(n.id)
    campaign_phase.move(uow, campaign, campaign_phase.DECIDED, actor=actor.label, now=now)
    campaign.decision_override = override_reason if failures else None
    audit.append(
        uow,
        now,
        audit.AuditEntry(
            actor=actor.label,
            trigger="committee_decision",
            campaign_id=campaign.id,
            reason=override_reason if failures else "composition rules met",
            payload={
                "awarded": len(awarded),
                "not_approved": len(rejected),
                "overridden": [f.rule for f in failures],
            },
        ),
    )
    commit(uow)
    return Decision(awarded, rejected, campaign.decision_override)


def _at_committee(uow: UnitOfWork, campaign: Campaign) -> list[Nomination]:
    stage = next(
        s
        for s in definition_of(campaign.definition).stages
        if s.kind is StageKind.COMMITTEE_DECISION
    )
    query = (
        select(Nomination)
        .where(Nomination.campaign_id == campaign.id, Nomination.status == stage.id)
        .order_by(Nomination.id)
    )
    if uow.dialect == "postgresql":
        query = query.with_for_update(of=Nomination)
    return list(uow.session.scalars(query).unique())


def _composition_failures(campaign: Campaign, approved: list[Nomination]) -> list[RuleFailure]:
    rules = parse_composition_rules(campaign.composition)
    results = evaluate_composition(rules, [facts_from_json(n.facts) for n in approved])
    return [RuleFailure(r.rule_id, r.detail) for r in results if not r.ok]


def revoke(
    uow: UnitOfWork, nomination_id: int, reason: str, actor: Actor, now: datetime
) -> TransitionResult:
    """Revoke an awarded honour (撤销称号) with a reason; the registry entry is marked."""
    if not reason.strip():
        raise InvalidState("a reason is required to revoke an honour")
    return fire(uow, nomination_id, "revoke", actor, now, reason=reason)
