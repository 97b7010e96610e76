"""Shared rules and nominee lists of the composition-rule tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.facts import NomineeFacts
from workflow.rules.composition import (
    CompositionResult,
    evaluate_composition,
    parse_composition_rules,
)

FRONT_LINE: dict[str, Any] = {
    "kind": "share",
    "id": "front_line",
    "label": "front-line workers and technicians of enterprise nominees",
    "group": {"category": ["front_line_worker", "technician"]},
    "base": {"employer_type": "enterprise"},
    "min_share": 0.55,
}
HEADS: dict[str, Any] = {
    "kind": "share",
    "id": "heads",
    "label": "enterprise heads",
    "group": {"category": "enterprise_head"},
    "base": {"employer_type": "enterprise"},
    "max_share": 0.22,
}
CONTROL: dict[str, Any] = {
    "kind": "control_number",
    "id": "heads",
    "label": "企业负责人控制数",
    "group": {"category": "enterprise_head"},
    "max_count": 0,
}
COVERAGE: dict[str, Any] = {
    "kind": "coverage",
    "id": "gig",
    "label": "新就业形态劳动者",
    "group": {"gig_worker": True},
    "min_count": 2,
}


def person(n: int = 0, **kw: Any) -> NomineeFacts:
    return NomineeFacts(name=f"nominee {n}", birth_date=date(1980, 1, 1), **kw)


def people(count: int, start: int = 0, **kw: Any) -> list[NomineeFacts]:
    return [person(start + i, **kw) for i in range(count)]


def enterprise_list(front_line: int, heads: int, others: int) -> list[NomineeFacts]:
    return (
        people(front_line, 0, category="front_line_worker")
        + people(heads, 1000, category="enterprise_head")
        + people(others, 2000, category="other")
        # Government staff sit outside the enterprise base and must not count.
        + people(7, 3000, employer_type="government", category="official", ownership="public")
    )


def one(raw: dict[str, Any], members: list[NomineeFacts]) -> CompositionResult:
    (result,) = evaluate_composition(parse_composition_rules([raw]), members)
    return result
