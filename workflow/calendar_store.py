"""Loaded calendar years as every process reads them: from the database, cached per process.

Web processes, workers and beat each keep the schedules they read; a cheap query of each
loaded year and its digest tells them when another process has loaded a year since.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from sqlalchemy import Boolean, Date, Integer, String, cast, null, select, union_all

from models import CalendarOverride, CalendarYear, direct
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


# Built once: the day overrides and each loaded year's digest, in one statement. Typed NULLs,
# not bound parameters, so it stays one constant statement (bound NULLs measured slower).
_OVERRIDES_AND_STAMPS = union_all(
    select(
        CalendarOverride.day,
        CalendarOverride.is_working_day,
        cast(null(), Integer),
        cast(null(), String),
    ),
    select(cast(null(), Date), cast(null(), Boolean), CalendarYear.year, CalendarYear.checksum),
)


def overrides_and_stamps(uow: UnitOfWork) -> tuple[frozenset[tuple[date, bool]], Stamps]:
    """The day overrides and the loaded years' digests in one round trip (asked per deadline
    computation, so one query instead of two)."""
    overrides: set[tuple[date, bool]] = set()
    seen: list[tuple[int, str]] = []
    for day, working, year, checksum in direct.read(uow.session, _OVERRIDES_AND_STAMPS, {}):
        if year is None:
            overrides.add((day, bool(working)))
        else:
            seen.append((int(year), str(checksum)))
    return frozenset(overrides), tuple(sorted(seen))


def loaded_years(uow: UnitOfWork, seen: Stamps | None = None) -> LoadedYears:
    """The loaded schedules, read again only when a year was loaded since the last read
    (`seen`: the digests just read, if the caller has them)."""
    global _current
    seen = stamps(uow) if seen is None else seen
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
