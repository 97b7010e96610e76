"""The committee's decision on the list as a whole, and revoking an honour."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from config.catalogue import Label, Listing, Message, msg
from config.message_json import reason_fields
from models import Campaign, Nomination
from models.uow import UnitOfWork
from workflow import audit
from workflow.access.gates import require_committee
from workflow.actors import Actor
from workflow.definition import StageKind
from workflow.errors import (
    ConcurrentChange,
    GuardFailed,
    InvalidDecision,
    InvalidState,
    RuleFailure,
)
from workflow.facts import facts_from_json
from workflow.lifecycles import campaign_phase
from workflow.repository import commit
from workflow.rules.composition import (
    CompositionResult,
    CompositionVerdicts,
    evaluate_composition,
)
from workflow.services.campaigns import get_campaign
from workflow.services.definitions import definition_of
from workflow.services.transitions import TransitionResult, apply, fire
from workflow.versions import composition_rules_of


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


@dataclass(frozen=True)
class DecisionPlan(CompositionVerdicts):
    """What the committee's decision would do with the list before it now: the one answer the
    preview (pages, API, `decide --preview`) and the decision itself both use."""

    before: list[Nomination]  # awaiting 审定, in id order
    approved: list[Nomination]  # main nominations not named as exceptions
    not_approved: list[Nomination]  # the exceptions, and alternates never called up
    composition: list[CompositionResult]  # every rule, measured over the approved list

    def failures(self) -> list[RuleFailure]:
        """The missed rules as rule failures, each named by its label."""
        return [CompositionFailure(r.rule_id, r.message) for r in self.missed]


def plan_decision(
    uow: UnitOfWork, campaign: Campaign, exceptions: Iterable[int], *, lock: bool = False
) -> DecisionPlan:
    """Which nominees before the committee would be approved, which not, and the composition
    rules the approved list misses; an exception not before the committee is refused."""
    excepted = set(exceptions)
    before = _at_committee(uow, campaign, lock=lock)
    unknown = sorted(excepted - {n.id for n in before})
    if unknown:
        raise InvalidDecision(msg("error.exceptions_not_before_committee", ids=unknown))
    approved = [n for n in before if n.rank == "main" and n.id not in excepted]
    chosen = {n.id for n in approved}
    not_approved = [n for n in before if n.id not in chosen]
    rules = composition_rules_of(campaign)
    members = [facts_from_json(n.facts) for n in approved]
    results = evaluate_composition(rules, members, on=campaign.reference_date)
    return DecisionPlan(before, approved, not_approved, results)


def _check_decidable(campaign: Campaign) -> None:
    """Refuse a campaign already decided, or not yet in the phase the decision ends."""
    if campaign.phase in (campaign_phase.DECIDED, campaign_phase.CLOSED):
        phase = campaign_phase.LIFECYCLE.label(campaign.phase)
        raise InvalidState(msg("error.already_decided", campaign=campaign.title, phase=phase))
    campaign_phase.LIFECYCLE.check(campaign.title, campaign.phase, campaign_phase.DECIDED)


def _check_reasons(exceptions: Mapping[int, str]) -> None:
    """Every exception carries its reason (the nominee's result says why)."""
    blank = sorted(i for i, reason in exceptions.items() if not (reason and reason.strip()))
    if blank:
        raise InvalidDecision(msg("error.exception_needs_reason", ids=blank))


def checked_plan(
    uow: UnitOfWork,
    campaign: Campaign,
    exceptions: Mapping[int, str],
    override_reason: str | None,
    *,
    expected: Collection[int] | None = None,
    lock: bool = False,
) -> DecisionPlan:
    """The plan of a decision that may be recorded as asked, after every refusal the decision
    makes (the confirmation step asks this before anything is written).

    `expected`, when given, is the list the person confirmed: a list that changed since is
    refused rather than decided unseen."""
    _check_decidable(campaign)
    _check_reasons(exceptions)
    plan = plan_decision(uow, campaign, exceptions, lock=lock)
    if not plan.before:
        raise InvalidState(msg("error.none_before_committee", campaign=campaign.title))
    if expected is not None and set(expected) != {n.id for n in plan.before}:
        raise ConcurrentChange(msg("error.decision_list_changed", campaign=campaign.title))
    if plan.needs_override and not (override_reason and override_reason.strip()):
        raise GuardFailed("decide", plan.failures())
    return plan


def decide(
    uow: UnitOfWork,
    campaign_id: int,
    actor: Actor,
    now: datetime,
    *,
    exceptions: Mapping[int, str] | None = None,
    override_reason: str | None = None,
    expected: Collection[int] | None = None,
) -> Decision:
    """Approve the list before the committee, but for named exceptions; one transaction."""
    require_committee(actor)
    exceptions = dict(exceptions or {})
    campaign = get_campaign(uow, campaign_id)
    plan = checked_plan(uow, campaign, exceptions, override_reason, expected=expected, lock=True)
    override = override_reason.strip() if plan.needs_override and override_reason else None
    _record(uow, plan, exceptions, actor, now)
    campaign_phase.move(uow, campaign, campaign_phase.DECIDED, actor=actor, now=now)
    campaign.decision_override = override
    figures = {
        "awarded": len(plan.approved),
        "not_approved": len(plan.not_approved),
        "overridden": [r.rule_id for r in plan.missed],
        "not_evaluated": [r.rule_id for r in plan.not_evaluated],
    }
    reason, payload = reason_fields(override or _composition_said(plan), figures)
    entry = audit.AuditEntry.by(
        actor, trigger="committee_decision", campaign_id=campaign.id, reason=reason,
        payload=payload,
    )  # fmt: skip
    audit.append(uow, now, entry)
    commit(uow)
    awarded = [n.id for n in plan.approved]
    return Decision(awarded, [n.id for n in plan.not_approved], override)


def _composition_said(plan: DecisionPlan) -> Message:
    """The audit's words for a decision that needed no override: every rule met, or none
    missed with those not evaluated named."""
    if not plan.not_evaluated:
        return msg("audit.composition_met")
    labels = Listing(tuple(r.label for r in plan.not_evaluated), "and")
    return msg("audit.composition_none_missed", rules=labels)


def _record(
    uow: UnitOfWork,
    plan: DecisionPlan,
    exceptions: Mapping[int, str],
    actor: Actor,
    now: datetime,
) -> None:
    """Fire approve on the approved and reject on the rest, each with its reason, in list order."""
    approved = {n.id for n in plan.approved}
    for n in plan.before:
        if n.id in approved:
            approved_by = msg("audit.committee_approved")
            apply(uow, n, "approve", actor, now, reason=approved_by, internal=True)
        else:
            why = exceptions.get(n.id) or msg("audit.alternate_not_called_up")
            apply(uow, n, "reject", actor, now, reason=why, internal=True)


def _at_committee(uow: UnitOfWork, campaign: Campaign, *, lock: bool) -> list[Nomination]:
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
    if lock and uow.dialect == "postgresql":
        query = query.with_for_update(of=Nomination)
    return list(uow.session.scalars(query).unique())


def revoke(
    uow: UnitOfWork, nomination_id: int, reason: str, actor: Actor, now: datetime
) -> TransitionResult:
    """Revoke an awarded honour (撤销称号) with a reason; the registry entry is marked."""
    if not reason.strip():
        raise InvalidState(msg("error.revoke_needs_reason"))
    return fire(uow, nomination_id, "revoke", actor, now, reason=reason)
