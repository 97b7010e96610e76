"""The nominee fields a composition group may test, the operators each takes, and the test.

Split from `workflow.rules.composition_groups` (the selector: checking, words), which is the
place to read first.
"""

from __future__ import annotations

import types
import typing
from datetime import date
from typing import Any

from workflow.facts import NomineeFacts
from workflow.nominee_checks import age_at

# Computed fields: `age` is the whole years completed on the reference date.
AGE = "age"
# Operators in the order a stored condition lists them.
OPERATORS = ("in", "not", "min", "max", "under")
LISTS = ("in", "not")  # take a value or a list of values
BOUNDS = ("min", "max", "under")  # take a whole number; only for whole-number fields

_SCALARS = (str, bool, int)


def _selectable_fields() -> dict[str, tuple[type, ...]]:
    hints = typing.get_type_hints(NomineeFacts)
    allowed: dict[str, tuple[type, ...]] = {}
    for name, hint in hints.items():
        parts = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        if all(p in _SCALARS or p is type(None) for p in parts):
            allowed[name] = tuple(parts)
    return allowed


# Fields a selector may test, with the Python types their values may take.
FIELDS: dict[str, tuple[type, ...]] = {**_selectable_fields(), AGE: (int,)}


def numeric(field: str) -> bool:
    """Whether the field holds whole numbers (bounds apply), not text or yes/no."""
    kinds = FIELDS[field]
    return int in kinds and bool not in kinds


def operators_for(field: str) -> tuple[str, ...]:
    """The operators a field's condition may use."""
    return OPERATORS if numeric(field) else LISTS


def value_of(facts: NomineeFacts, field: str, on: date | None) -> Any:
    """The field's value for a nominee; `age` counted on `on` (which must then be given)."""
    if field == AGE:
        if on is None:
            raise ValueError("age needs the reference date")  # GroupSelector.matches says why
        return age_at(facts.birth_date, on)
    return getattr(facts, field)


def holds(condition: list[Any] | dict[str, Any], value: Any) -> bool:
    """Whether a value meets a normal condition (a list: any of; else every operator).

    An absent value (a number not given) meets no bound."""
    if isinstance(condition, list):
        return value in condition
    if "in" in condition and value not in condition["in"]:
        return False
    if "not" in condition and value in condition["not"]:
        return False
    if not any(op in condition for op in BOUNDS):
        return True
    if value is None:
        return False
    low, high = condition.get("min", value), condition.get("max", value)
    return bool(low <= value <= high and ("under" not in condition or value < condition["under"]))
