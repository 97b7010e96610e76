"""Administrators' corrections to the working-day calendar, and the years they load."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from config.catalogue import DEFAULT, msg, render
from models import CalendarOverride, CalendarYear
from models.uow import UnitOfWork
from workflow import audit
from workflow.access.gates import require_admin
from workflow.actors import Actor, require_role
from workflow.calendar_schedule import YearSchedule, parse_schedule
from workflow.repository import commit


@dataclass(frozen=True)
class LoadedYear:
    """What loading a schedule did: the year, its figures, and whether it replaced one."""

    schedule: YearSchedule
    replaced: bool

    @property
    def year(self) -> int:
        return self.schedule.year


def load_year(uow: UnitOfWork, text: str, source: str, actor: Actor, now: datetime) -> LoadedYear:
    """Check a year's schedule file and store it, replacing that year's (all or nothing)."""
    require_admin(actor)
    schedule = parse_schedule(text, source)
    row = uow.session.get(CalendarYear, schedule.year)
    replaced = row is not None
    if row is None:
        row = CalendarYear(year=schedule.year)
        uow.session.add(row)
    row.schedule, row.checksum = schedule.as_json(), schedule.checksum
    row.source, row.loaded_by, row.loaded_at = source[:200], actor.label[:200], now
    figures = msg(
        "audit.calendar_year_loaded", year=schedule.year, holidays=len(schedule.holidays),
        rest=len(schedule.rest_days), workdays=len(schedule.workdays), file=source,
    )  # fmt: skip
    payload = {"year": schedule.year, "checksum": schedule.checksum, "replaced": replaced}
    audit.append(
        uow,
        now,
        audit.AuditEntry.by(
            actor, trigger="calendar_year_loaded", reason=render(figures, DEFAULT), payload=payload
        ),
    )
    commit(uow)
    return LoadedYear(schedule, replaced)


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
