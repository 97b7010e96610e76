"""The context of one transition: who, when, on what, under which definition."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from typing import Any

from models import Nomination
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.calendar import WorkingCalendar
from workflow.calendar_store import LoadedYears, loaded_years, overrides_and_stamps
from workflow.definition import Definition
from workflow.facts import NomineeFacts, facts_from_json


@dataclass
class Step:
    """Everything guards and effects may read while one nomination changes state."""

    uow: UnitOfWork
    now: datetime
    actor: Actor
    nomination: Nomination
    definition: Definition
    trigger: str
    reason: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return load_calendar(self.uow)

    @cached_property
    def facts(self) -> NomineeFacts:
        return facts_from_json(self.nomination.facts)


def load_calendar(uow: UnitOfWork) -> WorkingCalendar:
    """The working-day calendar: overrides, then loaded years, then the holiday package."""
    overrides, seen = overrides_and_stamps(uow)
    return _calendar(overrides, loaded_years(uow, seen))


@lru_cache(maxsize=8)
def _calendar(overrides: frozenset[tuple[date, bool]], years: LoadedYears) -> WorkingCalendar:
    # One calendar per distinct set of overrides and loaded years: they change a few times a
    # year, and the calendar's package lookups are cached per day.
    return WorkingCalendar(dict(overrides), years.schedules)
