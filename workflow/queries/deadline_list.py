"""Deadlines as an operator reads them: a filtered list, the next due, the failed ones, and what
a sweep would fire now (its dry run). Administrators only; the CLI and the admin page share it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from config.catalogue import Label, msg
from config.dates import parse_instant
from models import Campaign, Deadline
from models.scheduling import PENDING
from models.uow import UnitOfWork
from workflow.access import require_admin
from workflow.actors import Actor
from workflow.deadline_actions import ACTIONS
from workflow.errors import BadInput
from workflow.lifecycles.deadline import FAILED, LIFECYCLE

KINDS = tuple(sorted(ACTIONS))
STATUSES = tuple(LIFECYCLE.statuses)
MAX_LIMIT = 1000


@dataclass(frozen=True)
class DeadlineFilter:
    """Which deadlines to list: every field optional; times are aware instants."""

    kind: str | None = None
    campaign: str | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    status: str | None = None
    limit: int = 100


@dataclass(frozen=True)
class DeadlineRow:
    """One deadline as listed."""

    id: int
    campaign: str
    kind: str
    status: str
    due_at: datetime
    fired_at: datetime | None
    attempts: int
    nomination_id: int | None
    task_id: int | None
    stage: str | None
    outcome: str | None
    last_error: str | None


def parse_filter(
    *,
    kind: str | None = None,
    campaign: str | None = None,
    due_before: str | None = None,
    due_after: str | None = None,
    status: str | None = None,
    limit: int = 100,
) -> DeadlineFilter:
    """A filter from what a person typed; a bad value is refused naming its field. Times
    without a zone are Beijing time."""
    kind, status, campaign = kind or None, status or None, campaign or None
    if kind is not None and kind not in KINDS:
        raise BadInput("kind", msg("error.invalid.not_in_vocabulary", allowed=", ".join(KINDS)))
    if status is not None and status not in STATUSES:
        allowed = ", ".join(STATUSES)
        raise BadInput("status", msg("error.invalid.not_in_vocabulary", allowed=allowed))
    if not 1 <= limit <= MAX_LIMIT:
        raise BadInput("limit", msg("error.deadline_limit", most=MAX_LIMIT))
    before, after = _instant("due_before", due_before), _instant("due_after", due_after)
    return DeadlineFilter(kind, campaign, before, after, status, limit)


def _instant(field: str, typed: str | None) -> datetime | None:
    if not typed:
        return None
    try:
        return parse_instant(typed)
    except ValueError:
        raise BadInput(field, msg("error.deadline_time", value=typed)) from None


def list_deadlines(uow: UnitOfWork, actor: Actor, wanted: DeadlineFilter) -> list[DeadlineRow]:
    """Deadlines matching the filter, soonest due first."""
    require_admin(actor)
    query = _base()
    if wanted.kind is not None:  # `escalation` lists escalation:2, escalation:3, … too
        query = query.where(
            (Deadline.kind == wanted.kind) | Deadline.kind.startswith(f"{wanted.kind}:")
        )
    if wanted.campaign is not None:
        if uow.session.scalar(select(Campaign.id).where(Campaign.code == wanted.campaign)) is None:
            thing = Label("thing", "campaign")
            raise BadInput("campaign", msg("error.no_such", what=thing, name=wanted.campaign))
        query = query.where(Campaign.code == wanted.campaign)
    if wanted.status is not None:
        query = query.where(Deadline.status == wanted.status)
    if wanted.due_before is not None:
        query = query.where(Deadline.due_at < wanted.due_before)
    if wanted.due_after is not None:
        query = query.where(Deadline.due_at >= wanted.due_after)
    return _rows(uow, query.limit(wanted.limit))


def next_due(uow: UnitOfWork, actor: Actor, limit: int = 10) -> list[DeadlineRow]:
    """The pending deadlines that come due first (any already due fire at the next sweep)."""
    return list_deadlines(uow, actor, DeadlineFilter(status=PENDING, limit=limit))


def failed(uow: UnitOfWork, actor: Actor, limit: int = 100) -> list[DeadlineRow]:
    """The deadlines parked as failed, with their errors: for an administrator to retry."""
    return list_deadlines(uow, actor, DeadlineFilter(status=FAILED, limit=limit))


def due_now(uow: UnitOfWork, actor: Actor, now: datetime) -> list[DeadlineRow]:
    """What a sweep at `now` would fire (pending and due), read without changing anything."""
    require_admin(actor)
    return _rows(uow, _base().where(Deadline.status == PENDING, Deadline.due_at <= now))


def _base() -> Select[Deadline, str]:
    return (
        select(Deadline, Campaign.code)
        .join(Campaign, Campaign.id == Deadline.campaign_id)
        .order_by(Deadline.due_at, Deadline.id)
    )


def _rows(uow: UnitOfWork, query: Select[Deadline, str]) -> list[DeadlineRow]:
    return [
        DeadlineRow(
            d.id,
            code,
            d.kind,
            d.status,
            d.due_at,
            d.fired_at,
            d.attempts,
            d.nomination_id,
            d.task_id,
            d.stage,
            d.outcome,
            d.last_error,
        )
        for d, code in uow.session.execute(query).all()
    ]
