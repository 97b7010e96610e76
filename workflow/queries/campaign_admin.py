"""The administrator's view of campaigns: the list with counts, what a new one may pin, and one
campaign's set-up page (phase moves with their checks, rules in words, the live report)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from config.catalogue import Message
from models import Campaign, DefinitionVersion, Nomination, RecommendingUnit
from models.uow import UnitOfWork
from workflow.access.gates import require_admin
from workflow.actors import Actor
from workflow.lifecycles import campaign_phase, phase_checks
from workflow.lifecycles.phase_checks import Check
from workflow.queries.campaigns import QuotaRow, campaigns_newest_first, quota_table
from workflow.rules.composition import CompositionResult, CompositionRule
from workflow.rules.composition_edit import form_cells, rule_in_words
from workflow.services import reports
from workflow.services.campaign_setup import phase_facts
from workflow.services.campaigns import find_campaign
from workflow.services.definitions import definition_of
from workflow.versions import composition_rules_of


@dataclass(frozen=True)
class CampaignRow:
    """A campaign in the administrator's list."""

    campaign: Campaign
    nominations: int
    places: int


def campaign_rows(uow: UnitOfWork, actor: Actor) -> list[CampaignRow]:
    """Every campaign, newest first, with its nominations and places."""
    require_admin(actor)
    counts = dict(
        uow.session.execute(
            select(Nomination.campaign_id, func.count(Nomination.id)).group_by(
                Nomination.campaign_id
            )
        ).all()
    )
    rows = []
    for campaign in campaigns_newest_first(uow):
        places = phase_facts(uow, campaign).places
        rows.append(CampaignRow(campaign, int(counts.get(campaign.id, 0)), places))
    return rows


@dataclass(frozen=True)
class VersionChoice:
    """A stored definition version a new campaign may pin, with the honour it confers."""

    id: int
    name: str
    version: int
    key: str
    title: str
    honour: str
    honour_level: str


def definition_choices(uow: UnitOfWork, actor: Actor) -> list[VersionChoice]:
    """Every stored definition version, by name, newest version first."""
    require_admin(actor)
    query = select(DefinitionVersion).order_by(
        DefinitionVersion.name, DefinitionVersion.version.desc()
    )
    choices = []
    for row in uow.session.scalars(query):
        d = definition_of(row)
        choices.append(
            VersionChoice(row.id, row.name, row.version, row.key, d.title, d.honour, d.honour_level)
        )
    return choices


@dataclass(frozen=True)
class PhaseMove:
    """A phase the campaign may move to: the move's checks and what the phase allows."""

    target: str
    checks: list[Check]
    gates: list[Check]

    @property
    def possible(self) -> bool:
        """Whether every check passes (the button is offered)."""
        return all(c.ok for c in self.checks)


@dataclass(frozen=True)
class RuleView:
    """A composition rule, its figures in words and its form cells."""

    rule: CompositionRule
    words: Message
    cells: dict[str, str]


@dataclass(frozen=True)
class CampaignSetup:
    """Everything the campaign's set-up page shows."""

    campaign: Campaign
    moves: list[PhaseMove]
    rules: list[RuleView]
    scope: str
    size: int
    results: list[CompositionResult]
    quota: list[QuotaRow]
    units: dict[str, RecommendingUnit]  # the quota table's units by code (kind, e-mail)
    amend_refusal: Message | None
    quota_refusal: Message | None
    raw_rules: list[Any]


def phase_moves(uow: UnitOfWork, campaign: Campaign, now: datetime) -> list[PhaseMove]:
    """The phases after the current one, each with its checks and the gates it opens."""
    facts = phase_facts(uow, campaign)
    return [
        PhaseMove(
            target,
            phase_checks.move_checks(campaign, target, facts, now),
            phase_checks.gate_checks(campaign, target),
        )
        for target in campaign_phase.LIFECYCLE.allowed(campaign.phase)
    ]


def live_report(uow: UnitOfWork, campaign: Campaign) -> tuple[str, int, list[CompositionResult]]:
    """The final list once there is one, else every submitted main nomination."""
    size, results = reports.composition(uow, campaign, "final")
    if size:
        return "final", size, results
    size, results = reports.composition(uow, campaign, "submitted")
    return "submitted", size, results


def campaign_setup(uow: UnitOfWork, actor: Actor, ref: str, now: datetime) -> CampaignSetup:
    """One campaign's set-up page, for administrators."""
    require_admin(actor)
    campaign = find_campaign(uow, ref)
    rules = composition_rules_of(campaign)
    scope, size, results = live_report(uow, campaign)
    set_quota = campaign_phase.refusal(campaign, "set_quota")
    quota = quota_table(uow, actor, campaign.id)
    codes = RecommendingUnit.code.in_({r.unit_code for r in quota})
    return CampaignSetup(
        campaign=campaign,
        moves=phase_moves(uow, campaign, now),
        rules=[RuleView(r, rule_in_words(r), form_cells(r)) for r in rules],
        scope=scope,
        size=size,
        results=results,
        quota=quota,
        units={u.code: u for u in uow.session.scalars(select(RecommendingUnit).where(codes))},
        amend_refusal=phase_checks.composition_refusal(campaign, now),
        quota_refusal=None if set_quota is None else set_quota.message,
        raw_rules=list(campaign.composition),
    )


def composition_rules(uow: UnitOfWork, actor: Actor, ref: str) -> tuple[Campaign, list[RuleView]]:
    """A campaign's composition rules with their words, for administrators."""
    require_admin(actor)
    campaign = find_campaign(uow, ref)
    rules = composition_rules_of(campaign)
    return campaign, [RuleView(r, rule_in_words(r), form_cells(r)) for r in rules]
