"""The committee's decision on the list as a whole, and revoking an honour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from config.catalogue import Label, Message, msg
from config.message_json import reason_fields
from models import Campaign, Nomination
from models.uow import UnitOfWork
from workflow import audit
from workflow.actors import Actor, require_role
from workflow.definition import StageKind
from workflow.errors import GuardFailed, InvalidState, RuleFailure
from workflow.facts import facts_from_json
from workflow.lifecycles import campaign_phase
from workflow.repository import commit
from workflow.rules.composition import (
    CompositionResult,
    evaluate_composition,
    parse_composition_rules,
)
from workflow.services.campaigns import get_campaign
from workflow.services.definitions import definition_of
from workflow.services.transitions import TransitionResult, apply, fire


class CompositionFailure(RuleFailure):
    """A composition rule the list misses: `rule` is the campaign's rule id (the API's code);
    the text names it by its label, under the heading 结构比例, never by the id."""

    def described(self) -> Message:
        """结构比例：<the rule's label>：<figures and verdict> (the verdict holds the label)."""
        return msg("rule.failure", rule=Label("rule", "composition"), reason=self.message)


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
        phase = campaign_phase.LIFECYCLE.label(campaign.phase)
        raise InvalidState(msg("error.already_decided", campaign=campaign.title, phase=phase))
    campaign_phase.LIFECYCLE.check(campaign.title, campaign.phase, campaign_phase.DECIDED)
    before = _at_committee(uow, campaign)
    unknown = sorted(set(exceptions) - {n.id for n in before})
    if unknown:
        raise InvalidState(msg("error.exceptions_not_before_committee", ids=unknown))
    if not before:
        raise InvalidState(msg("error.none_before_committee", campaign=campaign.title))
    approved = [n for n in before if n.rank == "main" and n.id not in exceptions]
    missed = _composition_missed(campaign, approved)
    failures: list[RuleFailure] = [CompositionFailure(r.rule_id, r.message) for r in missed]
    if failures and not (override_reason and override_reason.strip()):
        raise GuardFailed("decide", failures)
    awarded, rejected = [], []
    for n in before:
        if n in approved:
            approved_by = msg("audit.committee_approved")
            apply(uow, n, "approve", actor, now, reason=approved_by, internal=True)
            awarded.append(n.id)
        else:
            why = exceptions.get(n.id) or msg("audit.alternate_not_called_up")
            apply(uow, n, "reject", actor, now, reason=why, internal=True)
            rejected.append(n.id)
    campaign_phase.move(uow, campaign, campaign_phase.DECIDED, actor=actor, now=now)
    campaign.decision_override = override_reason if failures else None
    figures = {
        "awarded": len(awarded),
        "not_approved": len(rejected),
        "overridden": [r.rule_id for r in missed],
    }
    said = override_reason if failures else msg("audit.composition_met")
    reason, payload = reason_fields(said, figures)
    audit.append(
        uow,
        now,
        audit.AuditEntry.by(
            actor,
            trigger="committee_decision",
            campaign_id=campaign.id,
            reason=reason,
            payload=payload,
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


def _composition_missed(campaign: Campaign, approved: list[Nomination]) -> list[CompositionResult]:
    """The composition rules the list misses (each verdict names its rule by its label)."""
    rules = parse_composition_rules(campaign.composition)
    results = evaluate_composition(rules, [facts_from_json(n.facts) for n in approved])
    return [r for r in results if not r.ok]


def revoke(
    uow: UnitOfWork, nomination_id: int, reason: str, actor: Actor, now: datetime
) -> TransitionResult:
    """Revoke an awarded honour (撤销称号) with a reason; the registry entry is marked."""
    if not reason.strip():
        raise InvalidState(msg("error.revoke_needs_reason"))
    return fire(uow, nomination_id, "revoke", actor, now, reason=reason)
