"""Administrators' corrections to the working-day calendar."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from models import CalendarOverride
from models.uow import UnitOfWork
from workflow import audit
from workflow.actors import Actor, require_role
from workflow.repository import commit


def set_override(
    uow: UnitOfWork, day: date, is_working_day: bool, note: str, actor: Actor, now: datetime
) -> CalendarOverride:
    """Declare a day a working day or a rest day, whatever the holiday package says."""
    require_role(actor, "admin")
    row = uow.session.get(CalendarOverride, day)
    if row is None:
        row = CalendarOverride(day=day, is_working_day=is_working_day, note=note)
        uow.session.add(row)
    else:
        row.is_working_day, row.note = is_working_day, note
    kind = "working day" if is_working_day else "rest day"
    _audit(uow, actor, now, "calendar_override", f"{day.isoformat()} is a {kind}: {note}")
    commit(uow)
    return row


def remove_override(uow: UnitOfWork, day: date, actor: Actor, now: datetime) -> bool:
    """Drop an override; returns False when there was none."""
    require_role(actor, "admin")
    row = uow.session.get(CalendarOverride, day)
    if row is None:
        return False
    uow.session.delete(row)
    _audit(uow, actor, now, "calendar_override_removed", day.isoformat())
    commit(uow)
    return True


def list_overrides(uow: UnitOfWork) -> list[CalendarOverride]:
    """All overrides, by date."""
    return list(uow.session.scalars(select(CalendarOverride).order_by(CalendarOverride.day)))


def _audit(uow: UnitOfWork, actor: Actor, now: datetime, trigger: str, reason: str) -> None:
    audit.append(uow, now, audit.AuditEntry.by(actor, trigger=trigger, reason=reason))
