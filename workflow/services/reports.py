"""Reports over a campaign: the funnel by state and the composition of any set."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from config.catalogue import Label, Listing, Message, msg
from models import Campaign, Nomination, RecommendingUnit
from models.uow import UnitOfWork
from workflow.definition import StageKind
from workflow.errors import InvalidState
from workflow.facts import facts_from_json
from workflow.machine import AWARDED, END_STATES, HOLD_NO_PLACE
from workflow.rules.composition import (
    CompositionResult,
    CompositionTally,
)
from workflow.services.definitions import definition_of
from workflow.versions import composition_rules_of

# The sets a composition report can be drawn over.
SCOPES = ("submitted", "stage", "final", "unit")
# submitted: every main nomination holding a place; stage: those in one state; final: the list
# before the committee (or the awarded list once decided); unit: one unit's live submissions.


@dataclass(frozen=True)
class FunnelRow:
    state: str
    count: int


def funnel(uow: UnitOfWork, campaign: Campaign) -> list[FunnelRow]:
    """Nominations per state, in the order of the procedure."""
    counts = dict(
        uow.session.execute(
            select(Nomination.status, func.count(Nomination.id))
            .where(Nomination.campaign_id == campaign.id)
            .group_by(Nomination.status)
        ).all()
    )
    definition = definition_of(campaign.definition)
    order = ["draft", "submitted"]
    for stage in definition.stages:
        order += [stage.id, f"{stage.id}_returned"]
    order += ["awarded", *END_STATES]
    rows = [FunnelRow(state, counts.pop(state, 0)) for state in order]
    rows += [FunnelRow(state, n) for state, n in sorted(counts.items())]
    return [r for r in rows if r.count or not r.state.endswith("_returned")]


def implications(campaign: Campaign) -> list[Message]:
    """What the campaign's definition counts a code as (`implies:`), in words, for reports:
    e.g. 人员类别为新就业形态劳动者的，视为是否新就业形态为是."""
    return [rule.describe() for rule in definition_of(campaign.definition).implies]


def composition(
    uow: UnitOfWork,
    campaign: Campaign,
    scope: str = "final",
    *,
    stage: str | None = None,
    unit_code: str | None = None,
) -> tuple[int, list[CompositionResult]]:
    """Evaluate the campaign's composition rules over a set; returns (set size, results)."""
    query = select(Nomination.facts).where(
        Nomination.campaign_id == campaign.id, Nomination.rank == "main"
    )
    if scope == "submitted":
        query = query.where(Nomination.status.not_in(HOLD_NO_PLACE))
    elif scope == "stage":
        if not stage:
            raise InvalidState(msg("error.scope_needs_stage", scope=Label("scope", scope)))
        query = query.where(Nomination.status == stage)
    elif scope == "final":
        # The list before the committee, or the awarded list once it has decided.
        committee = [
            s.id
            for s in definition_of(campaign.definition).stages
            if s.kind is StageKind.COMMITTEE_DECISION
        ]
        query = query.where(Nomination.status.in_([*committee, AWARDED]))
    elif scope == "unit":
        if not unit_code:
            raise InvalidState(msg("error.scope_needs_unit", scope=Label("scope", scope)))
        query = query.join(RecommendingUnit, Nomination.unit_id == RecommendingUnit.id).where(
            RecommendingUnit.code == unit_code, Nomination.status.not_in(HOLD_NO_PLACE)
        )
    else:
        scopes = Listing(tuple(Label("scope", s) for s in SCOPES), "or")
        raise InvalidState(msg("error.unknown_scope", scope=scope, scopes=scopes))
    # Only the facts column is read, in batches, and counted as it is read (as the decision's
    # plan counts it): whole rows held all at once were the national demo's peak memory.
    tally = CompositionTally(composition_rules_of(campaign), campaign.reference_date)
    for facts in uow.session.scalars(query.execution_options(yield_per=500)):
        tally.add(facts_from_json(facts))
    return tally.members, tally.results()


def state_counts(uow: UnitOfWork, campaign: Campaign) -> Counter[str]:
    """Nominations per state (for the demo and tests)."""
    return Counter({row.state: row.count for row in funnel(uow, campaign)})
