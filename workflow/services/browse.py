"""Read-only lists for a person, filtered by what they may see, with paging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import lazyload

from models import AuditEvent, Nomination, Objection, RecommendingUnit, ReviewTask
from models.reviews import TASK_CLAIMED, TASK_OPEN
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.errors import PermissionDenied
from workflow.permissions import authorise
from workflow.services.definitions import machine_of
from workflow.services.visibility import nomination_filter, task_filter, visible_nomination
from workflow.step import Step

T = TypeVar("T")


@dataclass(frozen=True)
class Paged(Generic[T]):
    """One page of a list and how many rows the whole list has."""

    total: int
    items: list[T]


def _page(uow: UnitOfWork, query: Select[T], limit: int, offset: int) -> Paged[T]:
    total = uow.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = uow.session.scalars(query.limit(limit).offset(offset)).unique()
    return Paged(int(total or 0), list(rows))


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
    """The nominations the actor may see that match the filters, by id."""
    query = select(Nomination).where(nomination_filter(uow, actor)).order_by(Nomination.id)
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
    return _page(uow, query, limit, offset)


def list_tasks(
    uow: UnitOfWork,
    actor: Actor,
    *,
    mine: bool = False,
    campaign_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Paged[ReviewTask]:
    """Open and claimed tasks the actor may see (claimed by them with `mine`), soonest due first."""
    query = (
        select(ReviewTask)
        .where(task_filter(actor), ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED]))
        .order_by(ReviewTask.due_at, ReviewTask.id)
    )
    if mine:
        query = query.where(ReviewTask.status == TASK_CLAIMED, ReviewTask.assignee == actor.name)
    if campaign_id is not None:
        query = query.where(ReviewTask.campaign_id == campaign_id)
    return _page(uow, query, limit, offset)


def task_nominations(uow: UnitOfWork, tasks: list[ReviewTask]) -> dict[int, Nomination]:
    """The nominations of these tasks by id, in one query (not one per task).

    With their unit, which the queue shows; their campaign and definition version (each row
    would carry the definition's whole source twice) load only if something asks for them.
    """
    ids = {task.nomination_id for task in tasks}
    if not ids:
        return {}
    rows = uow.session.scalars(
        select(Nomination)
        .where(Nomination.id.in_(ids))
        .options(lazyload(Nomination.campaign), lazyload(Nomination.definition))
    )
    return {n.id: n for n in rows.unique()}


def list_audit(
    uow: UnitOfWork,
    actor: Actor,
    *,
    nomination_id: int | None = None,
    campaign_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Paged[AuditEvent]:
    """Audit events, oldest first; others than admins see only visible nominations' events."""
    query = select(AuditEvent).order_by(AuditEvent.seq)
    if nomination_id is not None:
        visible_nomination(uow, actor, nomination_id)
        query = query.where(AuditEvent.nomination_id == nomination_id)
    elif not actor.is_privileged:
        visible = select(Nomination.id).where(nomination_filter(uow, actor))
        query = query.where(AuditEvent.nomination_id.in_(visible))
    if campaign_id is not None:
        query = query.where(AuditEvent.campaign_id == campaign_id)
    return _page(uow, query, limit, offset)


def objections_of(uow: UnitOfWork, actor: Actor, nomination_id: int) -> list[Objection]:
    """The objections to a nomination the actor may see."""
    visible_nomination(uow, actor, nomination_id)
    return list(
        uow.session.scalars(
            select(Objection).where(Objection.nomination_id == nomination_id).order_by(Objection.id)
        )
    )


def timeline(uow: UnitOfWork, nomination_id: int) -> list[AuditEvent]:
    """A nomination's audit events, oldest first."""
    return list(
        uow.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.nomination_id == nomination_id)
            .order_by(AuditEvent.seq)
        )
    )


def allowed_triggers(
    uow: UnitOfWork, actor: Actor, nomination: Nomination, now: datetime
) -> list[str]:
    """Triggers this actor may fire on the nomination now (guards aside)."""
    machine = machine_of(nomination.definition)
    allowed = []
    for trigger in machine.allowed_triggers(nomination.status):
        spec = machine.spec(nomination.status, trigger)
        step = Step(uow, now, actor, nomination, machine.definition, trigger)
        try:
            authorise(step, spec)
        except PermissionDenied:
            continue
        allowed.append(trigger)
    return allowed
