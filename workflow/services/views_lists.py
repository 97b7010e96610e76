"""Read-only lists for the pages: a reviewer's inbox, a unit's nominations, dashboard counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from models import (
    PHASES,
    Campaign,
    DefinitionVersion,
    Nomination,
    Objection,
    QuotaAllocation,
    ReviewTask,
)
from models.reviews import OBJECTION_OPEN, TASK_CLAIMED, TASK_OPEN
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.errors import NotFound
from workflow.machine import HOLD_NO_PLACE
from workflow.services.definitions import definition_of
from workflow.services.views import is_recused


@dataclass(frozen=True)
class InboxRow:
    """A task as the inbox lists it; a recused reviewer sees no nominee detail."""

    task: ReviewTask
    nominee: str | None
    unit: str | None
    recused: bool
    overdue: bool


def inbox(uow: UnitOfWork, actor: Actor, now: datetime, limit: int = 200) -> list[InboxRow]:
    """Open and claimed tasks of the actor's department (all departments for an admin)."""
    query = (
        select(ReviewTask, Nomination)
        .join(Nomination, Nomination.id == ReviewTask.nomination_id)
        .where(ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED]))
        .order_by(ReviewTask.due_at, ReviewTask.id)
        .limit(limit)
    )
    if not actor.is_privileged:
        query = query.where(
            ReviewTask.department == actor.department, ReviewTask.role == actor.role
        )
    rows = []
    for task, nomination in uow.session.execute(query).unique():
        recused = is_recused(actor, nomination)
        rows.append(
            InboxRow(
                task,
                None if recused else nomination.name,
                None if recused else nomination.unit.name,
                recused,
                bool(task.due_at and task.due_at < now),
            )
        )
    return rows


def unit_nominations(uow: UnitOfWork, unit_code: str | None) -> list[Nomination]:
    """A unit's nominations in every campaign (all units' for an admin: unit_code None)."""
    query = select(Nomination).order_by(Nomination.campaign_id.desc(), Nomination.id)
    if unit_code is not None:
        query = query.where(Nomination.unit.has(code=unit_code))
    return list(uow.session.scalars(query).unique())


def open_objections(uow: UnitOfWork, unit_code: str | None) -> list[tuple[Objection, Nomination]]:
    """Objections still waiting for the unit's finding."""
    query = (
        select(Objection, Nomination)
        .join(Nomination, Nomination.id == Objection.nomination_id)
        .where(Objection.status == OBJECTION_OPEN)
        .order_by(Objection.answer_due_at, Objection.id)
    )
    if unit_code is not None:
        query = query.where(Nomination.unit.has(code=unit_code))
    return [(o, n) for o, n in uow.session.execute(query).unique()]


def overdue_by_department(uow: UnitOfWork, campaign_id: int, now: datetime) -> dict[str, int]:
    """Open or claimed tasks past their due date, per department."""
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


def quota_table(uow: UnitOfWork, campaign_id: int) -> list[QuotaRow]:
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
        raise NotFound(f"no campaign '{code}'")
    live = [c for c in found if c.phase in PHASES[:3]]
    if not (live or found):
        raise NotFound("no campaign has been created yet")
    return (live or found)[0]


def department_names(uow: UnitOfWork) -> dict[str, str]:
    """Department and team names by code, from every loaded definition (newest wins)."""
    names: dict[str, str] = {}
    for row in uow.session.scalars(select(DefinitionVersion).order_by(DefinitionVersion.id)):
        for code, spec in definition_of(row).departments.items():
            names[code] = spec.name
    return names


def definition_versions(uow: UnitOfWork) -> list[DefinitionVersion]:
    """Every stored definition version, newest first."""
    query = select(DefinitionVersion).order_by(
        DefinitionVersion.name, DefinitionVersion.version.desc()
    )
    return list(uow.session.scalars(query))
