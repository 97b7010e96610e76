"""The context of one transition: who, when, on what, under which definition."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import select

from models import CalendarOverride, Nomination
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.calendar import WorkingCalendar
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
    """The working-day calendar with the administrators' overrides applied."""
    overrides = uow.session.scalars(select(CalendarOverride)).all()
    return WorkingCalendar({o.day: o.is_working_day for o in overrides})
