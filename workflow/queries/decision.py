"""The committee's decision as people read it: the list awaiting 审定 with the composition
report for a proposed set of exceptions, and the final list (表彰名单) once decided.

The preview asks `workflow.services.committee` the same question the decision asks
(`plan_decision`, `checked_plan`), so what the secretary sees is what would be recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select

from config.catalogue import DEFAULT, label, msg
from models import Campaign, Nomination, RecommendingUnit
from models.uow import UnitOfWork
from workflow.access.gates import require_committee, require_final_list
from workflow.actors import Actor
from workflow.errors import InvalidState
from workflow.honour_titles import section_key
from workflow.lifecycles import campaign_phase
from workflow.rules.composition import CompositionResult, CompositionVerdicts
from workflow.services import committee, decision_outcomes
from workflow.services.definitions import definition_of
from workflow.states import AWARDED
from workflow.vocabulary import CATEGORIES


@dataclass(frozen=True)
class AwaitingRow:
    """One nominee before the committee, and what the proposal would do with them."""

    id: int
    name: str
    gender: str
    ethnicity: str
    unit_code: str
    unit_name: str
    category: str
    employer: str
    rank: str  # main or alternate
    alternate_order: int | None
    approved: bool  # the proposal approves them
    excepted: bool  # named as an exception


@dataclass(frozen=True)
class DecisionPreview(CompositionVerdicts):
    """The list awaiting 审定 and the composition of what a proposal would approve."""

    campaign: Campaign
    rows: list[AwaitingRow]
    composition: list[CompositionResult]
    decidable: bool  # the campaign is in the phase the decision ends, with a list before it

    @property
    def approved(self) -> list[AwaitingRow]:
        """The nominees the proposal would approve."""
        return [r for r in self.rows if r.approved]

    @property
    def not_approved(self) -> list[AwaitingRow]:
        """The exceptions and the alternates never called up."""
        return [r for r in self.rows if not r.approved]


def _awaiting(
    uow: UnitOfWork, campaign: Campaign, plan: committee.DecisionPlan, excepted: set[int]
) -> list[AwaitingRow]:
    """The plan's list as people read it, in one statement (the unit read with each row)."""
    listed = {c.id for c in plan.before}
    approved = {c.id for c in plan.approved}
    query = (
        select(Nomination, RecommendingUnit.code, RecommendingUnit.name)
        .join(RecommendingUnit, Nomination.unit_id == RecommendingUnit.id)
        .where(
            Nomination.campaign_id == campaign.id,
            Nomination.status == decision_outcomes.committee_stage(campaign),
        )
        .order_by(Nomination.id)
    )
    return [
        _row(n, unit, approved, excepted)
        for n, *unit in uow.session.execute(query)
        if n.id in listed  # the same list the plan measured, should one arrive in between
    ]


def _row(n: Nomination, unit: list[str], approved: set[int], excepted: set[int]) -> AwaitingRow:
    ethnicity = str(n.facts.get("ethnicity") or "")
    code, name = unit
    return AwaitingRow(
        n.id, n.name, n.gender, ethnicity, code, name, n.category, n.employer,
        n.rank, n.alternate_order, n.id in approved, n.id in excepted,
    )  # fmt: skip


def _preview(
    uow: UnitOfWork, campaign: Campaign, plan: committee.DecisionPlan, excepted: set[int]
) -> DecisionPreview:
    rows = _awaiting(uow, campaign, plan, excepted)
    # The decision ends the inspection and notice phase; in any other it is refused.
    open_phase = campaign.phase == campaign_phase.INSPECTION_NOTICE
    return DecisionPreview(campaign, rows, plan.composition, open_phase and bool(rows))


def decision_preview(
    uow: UnitOfWork, actor: Actor, campaign: Campaign, exceptions: Iterable[int] = ()
) -> DecisionPreview:
    """The list awaiting 审定 and the composition report were these exceptions not approved
    (the committee secretary and admins); an exception not before the committee is refused."""
    require_committee(actor)
    excepted = set(exceptions)
    return _preview(uow, campaign, committee.plan_decision(uow, campaign, excepted), excepted)


def decision_to_confirm(
    uow: UnitOfWork,
    actor: Actor,
    campaign: Campaign,
    exceptions: Mapping[int, str],
    override_reason: str | None,
) -> DecisionPreview:
    """The proposal the confirmation step restates, after every refusal the decision would make
    (a missing reason, a missed rule without an override); nothing is written."""
    require_committee(actor)
    plan = committee.checked_plan(uow, campaign, exceptions, override_reason)
    return _preview(uow, campaign, plan, set(exceptions))


@dataclass(frozen=True)
class Honouree:
    """One line of the final list: 姓名（民族 if not 汉族）and 工作单位, with unit and category."""

    id: int
    name: str
    gender: str
    ethnicity: str
    employer: str
    category: str
    unit_code: str
    unit_name: str
    honour: str  # 拟授称号: the final list lists each title's honourees apart


GroupBy = Literal["unit", "category"]


@dataclass(frozen=True)
class HonoureeGroup:
    """The honourees of one group of the list: a recommending unit, or a category."""

    by: GroupBy  # `Definition.documents.group_by`
    code: str  # the unit's code, or the category's
    unit_name: str  # the unit's name when grouped by unit ("" by category)
    honourees: list[Honouree]
    honour: str  # the title whose section the group stands in

    def title(self, locale: str = DEFAULT) -> str:
        """The group's heading: the unit's name, or the category's label in a locale."""
        return self.unit_name if self.by == "unit" else label("vocab.category", self.code, locale)


@dataclass(frozen=True)
class FinalList:
    """The awarded names grouped as the definition says (by unit or by category), when the
    decision was taken and why it overrode."""

    campaign: Campaign
    decided_at: datetime | None
    override: str | None
    group_by: GroupBy
    groups: list[HonoureeGroup]

    @property
    def count(self) -> int:
        """How many honourees the list holds."""
        return sum(len(g.honourees) for g in self.groups)


def is_decided(campaign: Campaign) -> bool:
    """Whether the committee has decided the campaign (it is decided or closed)."""
    return campaign.phase in (campaign_phase.DECIDED, campaign_phase.CLOSED)


def final_list(uow: UnitOfWork, actor: Actor, campaign: Campaign) -> FinalList:
    """The final list (the committee secretary, the working team and admins), grouped as the
    campaign's definition says (`documents.group_by`); refused before the decision."""
    require_final_list(actor)
    if not is_decided(campaign):
        raise InvalidState(msg("error.not_decided_yet", campaign=campaign.title))
    decision_outcomes.require_applied(uow, campaign)
    rows = uow.session.scalars(
        select(Nomination)
        .join(RecommendingUnit, Nomination.unit_id == RecommendingUnit.id)
        .where(Nomination.campaign_id == campaign.id, Nomination.status == AWARDED)
        .order_by(RecommendingUnit.id, Nomination.id)
    ).unique()
    honourees = [_honouree(n) for n in rows]
    definition = definition_of(campaign.definition)
    by = definition.documents.group_by
    groups: list[HonoureeGroup] = []
    # 劳动模范 and 先进工作者 listed apart, in the definition's order of titles.
    for title in sorted({h.honour for h in honourees}, key=lambda t: section_key(definition, t)):
        part = [h for h in honourees if h.honour == title]
        groups += _by_unit(part, title) if by == "unit" else _by_category(part, title)
    return FinalList(campaign, campaign.decided_at, campaign.decision_override, by, groups)


def _honouree(n: Nomination) -> Honouree:
    ethnicity = str(n.facts.get("ethnicity") or "")
    return Honouree(
        n.id,
        n.name,
        n.gender,
        ethnicity,
        n.employer,
        n.category,
        n.unit.code,
        n.unit.name,
        n.honour,
    )


def _by_unit(honourees: list[Honouree], title: str) -> list[HonoureeGroup]:
    """Groups in the units' order (the quota table's), honourees by id within each."""
    groups: dict[str, HonoureeGroup] = {}
    for h in honourees:
        group = HonoureeGroup("unit", h.unit_code, h.unit_name, [], title)
        groups.setdefault(h.unit_code, group)
        groups[h.unit_code].honourees.append(h)
    return list(groups.values())


def _by_category(honourees: list[Honouree], title: str) -> list[HonoureeGroup]:
    """Groups in the vocabulary's order of categories (any other after, by code), honourees
    by unit then id within each."""
    known = list(CATEGORIES)
    order = sorted({h.category for h in honourees},
                   key=lambda c: (known.index(c) if c in known else len(known), c))  # fmt: skip
    return [
        HonoureeGroup("category", c, "", [h for h in honourees if h.category == c], title)
        for c in order
    ]
