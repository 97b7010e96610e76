"""Campaigns as people read them: the list, the current one, quota tables, definitions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from config.catalogue import Label, msg
from models import (
    PHASES,
    Campaign,
    DefinitionVersion,
    Nomination,
    QuotaAllocation,
    RecommendingUnit,
    ReviewTask,
)
from models.reviews import TASK_CLAIMED, TASK_OPEN
from models.uow import UnitOfWork
from workflow.access.gates import report_unit, require_admin, require_reports
from workflow.actors import Actor
from workflow.errors import NotFound
from workflow.machine import HOLD_NO_PLACE
from workflow.repository import get
from workflow.rules.composition import CompositionResult
from workflow.services import reports
from workflow.services.definitions import definition_of
from workflow.services.reports import FunnelRow


def overdue_by_department(
    uow: UnitOfWork, actor: Actor, campaign_id: int, now: datetime
) -> dict[str, int]:
    """Open or claimed tasks past their due date, per department (administrators)."""
    require_admin(actor)
    rows = uow.session.execute(
        select(ReviewTask.department, func.count(ReviewTask.id))
        .where(
            ReviewTask.campaign_id == campaign_id,
            ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED]),
            ReviewTask.due_at < now,
        )
        .group_by(ReviewTask.department)
        .order_by(ReviewTask.department)
    ).all()
    return {str(department): int(count) for department, count in rows}


@dataclass(frozen=True)
class QuotaRow:
    """One allocation of the quota table with the main nominations holding its places."""

    unit_code: str
    unit_name: str
    category: str | None
    reserved: bool
    places: int
    used: int


def quota_table(uow: UnitOfWork, actor: Actor, campaign_id: int) -> list[QuotaRow]:
    """The whole quota table with the places in use, for administrators."""
    require_admin(actor)
    return _quota_rows(uow, campaign_id)


def _quota_rows(uow: UnitOfWork, campaign_id: int) -> list[QuotaRow]:
    """The campaign's quota table with the places in use (main nominations holding one)."""
    used: dict[tuple[int, str], int] = {
        (int(unit_id), str(category)): int(count)
        for unit_id, category, count in uow.session.execute(
            select(Nomination.unit_id, Nomination.category, func.count(Nomination.id))
            .where(
                Nomination.campaign_id == campaign_id,
                Nomination.rank == "main",
                Nomination.status.not_in(HOLD_NO_PLACE),
            )
            .group_by(Nomination.unit_id, Nomination.category)
        ).all()
    }
    allocations = list(
        uow.session.scalars(
            select(QuotaAllocation)
            .where(QuotaAllocation.campaign_id == campaign_id)
            .order_by(QuotaAllocation.unit_id, QuotaAllocation.category)
        ).unique()
    )
    own = {(a.unit_id, a.category) for a in allocations if a.category is not None}
    rows = []
    for a in allocations:
        if a.category is not None:
            in_use = used.get((a.unit_id, a.category), 0)
        else:  # the general places: every category without places of its own
            mine = [(u, cat) for u, cat in used if u == a.unit_id and (u, cat) not in own]
            in_use = sum(used[key] for key in mine)
        rows.append(QuotaRow(a.unit.code, a.unit.name, a.category, a.reserved, a.places, in_use))
    return rows


def campaigns_newest_first(uow: UnitOfWork) -> list[Campaign]:
    """Every campaign, newest first."""
    return list(uow.session.scalars(select(Campaign).order_by(Campaign.id.desc())).unique())


def current_campaign(uow: UnitOfWork, code: str | None = None) -> Campaign:
    """The campaign named by code, else the newest one not yet decided (else the newest)."""
    found = campaigns_newest_first(uow)
    if code:
        for campaign in found:
            if campaign.code == code:
                return campaign
        raise NotFound(msg("error.no_such", what=Label("thing", "campaign"), name=code))
    live = [c for c in found if c.phase in PHASES[:3]]
    if not (live or found):
        raise NotFound(msg("error.no_campaign_yet"))
    return (live or found)[0]


def department_names(uow: UnitOfWork) -> dict[str, str]:
    """Department and team names by code, from every loaded definition (newest wins)."""
    names: dict[str, str] = {}
    for row in uow.session.scalars(select(DefinitionVersion).order_by(DefinitionVersion.id)):
        for code, spec in definition_of(row).departments.items():
            names[code] = spec.name
    return names


def definition_versions(uow: UnitOfWork, *, newest_first: bool = True) -> list[DefinitionVersion]:
    """Every stored definition version by name, newest (or oldest) version first."""
    version = DefinitionVersion.version.desc() if newest_first else DefinitionVersion.version
    query = select(DefinitionVersion).order_by(DefinitionVersion.name, version)
    return list(uow.session.scalars(query))


def administered_definitions(uow: UnitOfWork, actor: Actor) -> list[DefinitionVersion]:
    """The stored versions, newest first, for the administrators' definitions page."""
    require_admin(actor)
    return definition_versions(uow)


def administered_definition(uow: UnitOfWork, actor: Actor, version_id: int) -> DefinitionVersion:
    """One stored version for the administrators' definitions page; NotFound if none."""
    require_admin(actor)
    return get(uow, DefinitionVersion, version_id, "definition version")


def funnel_for(uow: UnitOfWork, actor: Actor, campaign: Campaign) -> list[FunnelRow]:
    """The campaign's funnel, for those who may read its reports."""
    require_reports(actor)
    return reports.funnel(uow, campaign)


def composition_for(
    uow: UnitOfWork,
    actor: Actor,
    campaign: Campaign,
    scope: str,
    *,
    stage: str | None = None,
    unit: str | None = None,
) -> tuple[int, list[CompositionResult]]:
    """A composition report; a clerk may report on its own unit only."""
    unit = report_unit(actor, scope, unit)
    return reports.composition(uow, campaign, scope, stage=stage, unit_code=unit)


def quota_for(uow: UnitOfWork, actor: Actor, campaign_id: int) -> list[QuotaRow]:
    """The quota table with places in use; a clerk gets its own unit's rows only."""
    if actor.role == "unit_clerk":
        return [r for r in _quota_rows(uow, campaign_id) if r.unit_code == actor.unit_code]
    require_reports(actor)
    return _quota_rows(uow, campaign_id)


def unit_code_named(uow: UnitOfWork, actor: Actor, name: str) -> str | None:
    """The code of the unit with this name, if there is one (administrators: it tells of
    other units)."""
    require_admin(actor)
    return uow.session.scalar(select(RecommendingUnit.code).where(RecommendingUnit.name == name))


def find_definition(uow: UnitOfWork, name: str, version: int | None = None) -> DefinitionVersion:
    """A stored definition by name, the newest version unless one is named."""
    query = select(DefinitionVersion).where(DefinitionVersion.name == name)
    if version is not None:
        query = query.where(DefinitionVersion.version == version)
    row = uow.session.scalars(query.order_by(DefinitionVersion.version.desc())).first()
    if row is None:
        if version is None:
            thing = Label("thing", "definition")
            raise NotFound(msg("error.no_such", what=thing, name=name))
        raise NotFound(msg("error.definition_version_missing", name=name, version=version))
    return row
