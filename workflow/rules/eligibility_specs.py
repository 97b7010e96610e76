"""How eligibility rules are registered: the context they read, their spec and its helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypeVar

from pydantic import BaseModel

from config.catalogue import Message, msg
from workflow.calendar import WorkingCalendar
from workflow.errors import RuleFailure
from workflow.facts import NomineeFacts, PriorHonour
from workflow.rules.eligibility_params import NoParams


@dataclass(frozen=True)
class EligibilityContext:
    """What the rules need besides the nominee's own facts."""

    reference_date: date  # the campaign's reference date; ages and windows count from it
    honour_level: str  # level of the honour being selected (one of HONOUR_LEVELS)
    registry: tuple[PriorHonour, ...]  # the honours registry's entries for this person
    calendar: WorkingCalendar


Check = Callable[[NomineeFacts, EligibilityContext, BaseModel], RuleFailure | None]


class RuleSpec(NamedTuple):
    """A registered rule: its name, parameter model, check and a description for admins."""

    name: str
    params_model: type[BaseModel]
    check: Check
    description: Message


P = TypeVar("P", bound=BaseModel)


def spec(
    name: str,
    params_model: type[P],
    check: Callable[[NomineeFacts, EligibilityContext, P], RuleFailure | None],
    description: Message,
) -> RuleSpec:
    """Wrap a typed check so the registry can hold every rule under one signature."""

    def run(facts: NomineeFacts, ctx: EligibilityContext, params: BaseModel) -> RuleFailure | None:
        # A model of the wrong type is a wiring bug; fail loudly rather than misread it.
        if not isinstance(params, params_model):
            raise TypeError(f"rule {name!r} needs {params_model.__name__}, got {type(params)}")
        return check(facts, ctx, params)

    return RuleSpec(name, params_model, run, description)


def flag_spec(name: str, flag: str, excuse: str | None = None) -> RuleSpec:
    """A parameterless rule: fails when a yes/no fact is set and its excuse (if any) is not."""

    def check(facts: NomineeFacts, ctx: EligibilityContext, p: NoParams) -> RuleFailure | None:
        excused = excuse is not None and bool(getattr(facts, excuse))
        failed = getattr(facts, flag) and not excused
        return RuleFailure(name, msg(f"rule.{name}.failed")) if failed else None

    return spec(name, NoParams, check, about(name))


def about(name: str) -> Message:
    """What a rule checks, for administrators (`rule.<name>.about`)."""
    return msg(f"rule.{name}.about")
