"""Which joint-review departments a nominee goes to, by the stage's routing table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from workflow.definition import StageSpec
from workflow.facts import NomineeFacts

FACT_FIELDS = frozenset(f.name for f in fields(NomineeFacts))


def matches(when: Mapping[str, Any], facts: NomineeFacts) -> bool:
    """True when every field of `when` equals (or is one of) the nominee's value."""
    for key, wanted in when.items():
        value = getattr(facts, key)
        allowed = wanted if isinstance(wanted, list) else [wanted]
        if value not in allowed:
            return False
    return True


def route_departments(stage: StageSpec, facts: NomineeFacts) -> list[str]:
    """Departments of every matching route, in first-mention order, without repeats."""
    chosen: list[str] = []
    for route in stage.routing:
        if matches(route.when, facts):
            chosen.extend(d for d in route.departments if d not in chosen)
    return chosen
