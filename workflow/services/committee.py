"""The committee's decision on the list as a whole, and revoking an honour."""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, select

from config.catalogue import Label, Listing, Message, msg
from config.message_json import reason_fields
from models import Campaign, Nomination
from models.uow import UnitOfWork
from workflow import audit
from workflow.access.gates import require_committee
from workflow.actors import Actor
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
    CompositionTally,
    CompositionVerdicts,
)
from workflow.services import decision_outcomes
from workflow.services.campaigns import get_campaign
from workflow.services.decision_outcomes import Outcome
from workflow.services.transitions import TransitionResult, fire
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


class Candidate(NamedTuple):
    """A nominee before the committee, as the decision needs them: no ORM row is kept."""

    id: int
    rank: str  # main or alternate


class Candidates(Collection[Candidate]):
    """Candidates in list order, packed: an 8-byte id and a 1-byte rank code each, not a tuple,
    an int and a str each (about 140 bytes), so a national list costs little to hold."""

    def __init__(self) -> None:
        self._ids = array("q")
        self._rank_codes = bytearray()
        self._ranks: list[str] = []  # the distinct ranks (main, alternate), by code

    def append(self, id_: int, rank: str) -> None:
        if rank not in self._ranks:
            self._ranks.append(rank)
        self._ids.append(id_)
        self._rank_codes.append(self._ranks.index(rank))

    def ids(self) -> list[int]:
        return self._ids.tolist()

    def __iter__(self) -> Iterator[Candidate]:
        ranks = self._ranks
        return (Candidate(i, ranks[r]) for i, r in zip(self._ids, self._rank_codes, strict=True))

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, item: object) -> bool:
        return any(c == item for c in self)


@dataclass(frozen=True)
class DecisionPlan(CompositionVerdicts):
    """What the committee's decision would do with the list before it now: the one answer the
    preview (pages, API, `decide --preview`) and the decision itself both use."""

    before: Candidates  # awaiting 审定, in id order
    approved: Candidates  # main nominations not named as exceptions
    not_approved: Candidates  # the exceptions, and alternates never called up
    composition: list[CompositionResult]  # every rule, measured over the approved list

    def failures(self) -> list[RuleFailure]:
        """The missed rules as rule failures, each named by its label."""
        return [CompositionFailure(r.rule_id, r.message) for r in self.missed]


# Rows read per fetch while the plan streams the list: the facts of this many nominees are
# held at once, whatever the list's length.
_READ_CHUNK = 200


def plan_decision(uow: UnitOfWork, campaign: Campaign, exceptions: Iterable[int]) -> DecisionPlan:
    """Which nominees before the committee would be approved, which not, and the composition
    rules the approved list misses; an exception not before the committee is refused.

    The list is streamed: each approved nominee's facts are counted as they are read
    (`CompositionTally`) and only ids and ranks are kept, so the memory the plan needs hardly
    grows with the list."""
    excepted = set(exceptions)
    _refuse_unknown(uow, campaign, excepted)
    tally = CompositionTally(composition_rules_of(campaign), campaign.reference_date)
    before, approved, not_approved = Candidates(), Candidates(), Candidates()
    for id_, rank, facts in uow.session.execute(_at_committee(campaign)):
        before.append(id_, rank)
        if _approves(id_, rank, excepted):
            approved.append(id_, rank)
            tally.add(facts_from_json(facts))
        else:
            not_approved.append(id_, rank)
    return DecisionPlan(before, approved, not_approved, tally.results())


def _approves(id_: int, rank: str, excepted: Collection[int]) -> bool:
    """The decision approves main nominations not named as exceptions."""
    return rank == "main" and id_ not in excepted


def _refuse_unknown(uow: UnitOfWork, campaign: Campaign, excepted: set[int]) -> None:
    """Refuse exceptions not before the committee (read before the list, which is streamed)."""
    if not excepted:
        return
    listed = select(Nomination.id).where(Nomination.id.in_(excepted), *_listed(campaign))
    unknown = sorted(excepted - set(uow.session.scalars(listed)))
    if unknown:
        raise InvalidDecision(msg("error.exceptions_not_before_committee", ids=unknown))


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
) -> DecisionPlan:
    """The plan of a decision that may be recorded as asked, after every refusal the decision
    makes (the confirmation step asks this before anything is written).

    `expected`, when given, is the list the person confirmed: a list that changed since is
    refused rather than decided unseen."""
    _check_decidable(campaign)
    _check_reasons(exceptions)
    plan = plan_decision(uow, campaign, exceptions)
    if not plan.before:
        raise InvalidState(msg("error.none_before_committee", campaign=campaign.title))
    if expected is not None and set(expected) != set(plan.before.ids()):
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
    """Approve the list before the committee, but for named exceptions.

    The decision is recorded in one transaction (the phase move, its audit event and every
    nominee's outcome); the outcomes are then applied batch by batch
    (`workflow.services.decision_outcomes`), each batch committed on its own."""
    require_committee(actor)
    exceptions = dict(exceptions or {})
    # The list is read and measured without the write lock (on SQLite, the whole database's),
    # then found unchanged under it: other changes wait only while the decision is written.
    with uow.reading():
        campaign = get_campaign(uow, campaign_id)
        plan = checked_plan(uow, campaign, exceptions, override_reason, expected=expected)
        planned_on = _list_state(uow, campaign)
    campaign = _locked_campaign(uow, campaign_id)
    if _list_state(uow, campaign) != planned_on:  # changed in between: plan again, locked
        plan = checked_plan(uow, campaign, exceptions, override_reason, expected=expected)
    override = override_reason.strip() if plan.needs_override and override_reason else None
    decision_outcomes.record(uow, campaign.id, _outcomes(plan, exceptions))
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
    decision_outcomes.apply_pending(uow, campaign_id, actor, now)
    return Decision(plan.approved.ids(), plan.not_approved.ids(), override)


def _locked_campaign(uow: UnitOfWork, campaign_id: int) -> Campaign:
    """The campaign read afresh, locked on PostgreSQL so two decisions on it are taken one
    after the other (the second then finds it decided); SQLite's write lock, taken at BEGIN,
    does the same.

    FOR NO KEY UPDATE, not FOR UPDATE: every row written with the campaign's id checks its key
    (FOR KEY SHARE), and a writer holding the audit lane would otherwise deadlock with us."""
    campaign = get_campaign(uow, campaign_id)
    query = select(Campaign).where(Campaign.id == campaign_id)
    if uow.dialect == "postgresql":
        query = query.with_for_update(of=Campaign, key_share=True)
    uow.session.execute(query.execution_options(populate_existing=True))
    return campaign


def _list_state(uow: UnitOfWork, campaign: Campaign) -> tuple[object, ...]:
    """What a plan depends on: the campaign's phase and rules, and which nominees are before
    the committee at which version (every change of a nomination moves its version), the
    latter as a digest so that it costs no memory whatever the list's length."""
    digest = hashlib.sha256()
    for id_, version in uow.session.execute(_versions_at_committee(campaign)):
        digest.update(b"%d:%d;" % (id_, version))
    rules = json.dumps(campaign.composition, sort_keys=True, default=str)
    facts = (campaign.phase, campaign.reference_date, campaign.definition_id, rules)
    return (*facts, digest.hexdigest())


def _outcomes(plan: DecisionPlan, exceptions: Mapping[int, str]) -> Iterator[Outcome]:
    """Approve the approved; reject the rest with the exception's reason (None: an alternate
    never called up), in list order."""
    for c in plan.before:
        approved = _approves(c.id, c.rank, exceptions)
        yield Outcome(c.id, approved, None if approved else exceptions.get(c.id))


def _composition_said(plan: DecisionPlan) -> Message:
    """The audit's words for a decision that needed no override: every rule met, or none
    missed with those not evaluated named."""
    if not plan.not_evaluated:
        return msg("audit.composition_met")
    labels = Listing(tuple(r.label for r in plan.not_evaluated), "and")
    return msg("audit.composition_none_missed", rules=labels)


def _listed(campaign: Campaign) -> tuple[ColumnElement[bool], ...]:
    """The conditions of the list awaiting the decision."""
    return (
        Nomination.campaign_id == campaign.id,
        Nomination.status == decision_outcomes.committee_stage(campaign),
    )


def _at_committee(campaign: Campaign) -> Select[tuple[int, str, dict[str, Any]]]:
    """The list awaiting the decision: id, rank and facts of each, in id order, fetched a chunk
    at a time (a server-side cursor on PostgreSQL) rather than all at once."""
    return (
        select(Nomination.id, Nomination.rank, Nomination.facts)
        .where(*_listed(campaign))
        .order_by(Nomination.id)
        .execution_options(yield_per=_READ_CHUNK)
    )


def _versions_at_committee(campaign: Campaign) -> Select[int, int]:
    """Each nominee awaiting the decision and the version of its row, in id order."""
    return (
        select(Nomination.id, Nomination.version)
        .where(*_listed(campaign))
        .order_by(Nomination.id)
        .execution_options(yield_per=_READ_CHUNK)
    )


def revoke(
    uow: UnitOfWork, nomination_id: int, reason: str, actor: Actor, now: datetime
) -> TransitionResult:
    """Revoke an awarded honour (撤销称号) with a reason; the registry entry is marked."""
    if not reason.strip():
        raise InvalidState(msg("error.revoke_needs_reason"))
    return fire(uow, nomination_id, "revoke", actor, now, reason=reason)
