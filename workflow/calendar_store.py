"""Loaded calendar years as every process reads them: from the database, cached per process.

Web processes, workers and beat each keep the schedules they read; a cheap query of each
loaded year and its digest tells them when another process has loaded a year since.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sqlalchemy import select

from models import CalendarYear
from models.uow import UnitOfWork
from workflow.calendar_schedule import YearSchedule, schedule_from_json

Stamps = tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class LoadedYears:
    """The loaded schedules by year, compared (and hashed) by their years and digests only."""

    stamps: Stamps
    schedules: Mapping[int, YearSchedule] = field(compare=False, hash=False)


_lock = threading.Lock()
_current = LoadedYears((), MappingProxyType({}))


def stamps(uow: UnitOfWork) -> Stamps:
    """Each loaded year with the digest of its days, by year (a tiny read)."""
    rows = uow.session.execute(
        select(CalendarYear.year, CalendarYear.checksum).order_by(CalendarYear.year)
    )
    return tuple((int(year), str(checksum)) for year, checksum in rows)


def loaded_years(uow: UnitOfWork) -> LoadedYears:
    """The loaded schedules, read again only when a year was loaded since the last read."""
    global _current
    seen = stamps(uow)
    current = _current
    if current.stamps == seen:
        return current
    rows = uow.session.execute(
        select(CalendarYear.year, CalendarYear.checksum, CalendarYear.schedule).order_by(
            CalendarYear.year
        )
    ).all()
    # Keyed by what was read, not by `seen`: a load committed in between is simply newer.
    fresh = LoadedYears(
        tuple((int(y), str(c)) for y, c, _ in rows),
        MappingProxyType({int(y): schedule_from_json(s) for y, _, s in rows}),
    )
    with _lock:
        _current = fresh
    return fresh
