"""Editing a campaign's composition rules: each rule in words, the rules as the page's form
cells, and validation with the definitions' schema whose every problem names rule and field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from pydantic import ValidationError

from config.catalogue import Label, Listing, Message, msg
from workflow.definition_problems import describe_error
from workflow.errors import InvalidInput
from workflow.problems import Problem
from workflow.rules.composition import (
    CompositionRule,
    ControlNumberRule,
    CoverageRule,
    ShareRule,
    parse_composition_rules,
)
from workflow.vocabulary import Vocabularies

MAX_RULES = 50
MAX_GROUP_TEXT = 500
KINDS = ("share", "control_number", "coverage")


def _pct(share: float) -> str:
    return f"{share * 100:g}%"


def rule_in_words(rule: CompositionRule) -> Message:
    """A rule's figures as a sentence (人员类别为一线职工占…的比例不低于55%)."""
    group = rule.group.describe()
    if isinstance(rule, ShareRule):
        bounds: list[Message] = []
        if rule.min_share is not None:
            bounds.append(msg("composition_edit.at_least_share", share=_pct(rule.min_share)))
        if rule.max_share is not None:
            bounds.append(msg("composition_edit.at_most_share", share=_pct(rule.max_share)))
        return msg(
            "composition_edit.share_words",
            group=group,
            base=rule.base.describe(),
            bounds=Listing(tuple(bounds), "and"),
        )
    if isinstance(rule, ControlNumberRule):
        key = "control_per_unit_words" if rule.per_unit else "control_words"
        return msg(f"composition_edit.{key}", group=group, n=rule.max_count)
    assert isinstance(rule, CoverageRule)
    return msg("composition_edit.coverage_words", group=group, n=rule.min_count)


def stored(rules: Sequence[CompositionRule]) -> list[dict[str, Any]]:
    """Rules as a campaign stores them (the definition's syntax, codes normalised)."""
    return [r.model_dump(mode="json", exclude_none=True) for r in rules]


def validate(raw: Any, vocabularies: Vocabularies | None = None) -> list[CompositionRule]:
    """Rules in the definition's syntax, validated; InvalidInput names the rule and the field."""
    if not isinstance(raw, list):
        raise InvalidInput("rules", msg("composition_edit.not_a_list"))
    if len(raw) > MAX_RULES:
        raise InvalidInput("rules", msg("composition_edit.too_many", limit=MAX_RULES))
    try:
        return parse_composition_rules(raw, vocabularies)
    except ValidationError as exc:
        raise _named(raw, exc) from None
    except ValueError as exc:  # a repeated id
        problem = exc.message if isinstance(exc, Problem) else msg("text.plain", text=str(exc))
        raise InvalidInput("rules", problem) from None


def _named(raw: list[Any], exc: ValidationError) -> InvalidInput:
    problems: list[Message] = []
    first = "rules"
    for error in exc.errors():
        loc = [str(p) for p in error["loc"]]
        index = int(loc[0]) if loc and loc[0].isdigit() else 0
        # A discriminated union puts the rule's kind into the path: leave it out.
        rest = [p for p in loc[1:] if p not in KINDS]
        if not rest and error["type"].startswith("union_tag"):
            rest = ["kind"]  # no kind, or one that is not a rule's kind
        field = rest[0] if rest else "rule"  # a problem of the rule as a whole
        path = ".".join(["rules", str(index), *rest])
        first = first if problems else path
        problems.append(
            msg(
                "composition_edit.problem",
                n=index + 1,
                rule=_rule_name(raw, index),
                field=Label("composition_field", field),
                problem=describe_error(error),
            )
        )
    return InvalidInput(
        first, msg("composition_edit.invalid", problems=Listing(tuple(problems), "semicolon"))
    )


def _rule_name(raw: list[Any], index: int) -> str:
    item = raw[index] if 0 <= index < len(raw) else None
    if isinstance(item, Mapping):
        return str(item.get("label") or item.get("id") or index + 1)
    return str(index + 1)


def form_cells(rule: CompositionRule) -> dict[str, str]:
    """One rule as the page's form shows it: figures as percentages or counts, groups as YAML."""
    low: float | int | None = None
    high: float | int | None = None
    per_unit = False
    if isinstance(rule, ShareRule):
        low = None if rule.min_share is None else round(rule.min_share * 100, 4)
        high = None if rule.max_share is None else round(rule.max_share * 100, 4)
    elif isinstance(rule, ControlNumberRule):
        high, per_unit = rule.max_count, rule.per_unit
    else:
        low = rule.min_count
    base = rule.base.root if isinstance(rule, ShareRule) else {}
    return {
        "kind": rule.kind,
        "id": rule.id,
        "label": rule.label,
        "group": _flow(rule.group.root),
        "base": _flow(base),
        "min": "" if low is None else f"{low:g}",
        "max": "" if high is None else f"{high:g}",
        "per_unit": "1" if per_unit else "",
    }


def _flow(selector: Mapping[str, Any]) -> str:
    if not selector:
        return ""
    return yaml.safe_dump(dict(selector), default_flow_style=True, allow_unicode=True).strip()


def from_form(rows: Sequence[Mapping[str, str]]) -> list[dict[str, Any]]:
    """The page's form rows as rules in the definition's syntax (validated afterwards)."""
    rules = []
    for index, cells in enumerate(rows):
        kind = cells.get("kind", "")
        rule: dict[str, Any] = {
            "kind": kind,
            "id": cells.get("id", ""),
            "label": cells.get("label", ""),
        }
        rule["group"] = _selector(index, "group", cells.get("group", ""))
        low = _number(index, "min", cells.get("min", ""))
        high = _number(index, "max", cells.get("max", ""))
        if kind == "share":
            if cells.get("base", "").strip():
                rule["base"] = _selector(index, "base", cells["base"])
            rule["min_share"] = None if low is None else low / 100
            rule["max_share"] = None if high is None else high / 100
        elif kind == "control_number":
            rule["max_count"] = high
            rule["per_unit"] = bool(cells.get("per_unit"))
        elif kind == "coverage":
            rule["min_count"] = 1 if low is None else low
        rules.append({k: v for k, v in rule.items() if v is not None or k == "max_count"})
    return rules


def _selector(index: int, field: str, text: str) -> Any:
    if len(text) > MAX_GROUP_TEXT:
        too_long = msg("import.too_long", length=len(text), limit=MAX_GROUP_TEXT)
        raise InvalidInput(f"rules.{index}.{field}", _at(index, field, too_long))
    if not text.strip():
        return {}
    try:
        value = yaml.safe_load(text if text.strip().startswith("{") else "{" + text + "}")
    except yaml.YAMLError:
        value = None
    if not isinstance(value, dict):
        raise InvalidInput(
            f"rules.{index}.{field}", _at(index, field, msg("composition_edit.bad_group"))
        )
    return value


def _number(index: int, field: str, text: str) -> float | int | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0 or value != value:
        bad = msg("composition_edit.bad_number", value=text)
        raise InvalidInput(f"rules.{index}.{field}", _at(index, field, bad))
    return int(value) if value.is_integer() else value


def _at(index: int, field: str, problem: Message) -> Message:
    return msg(
        "composition_edit.problem",
        n=index + 1,
        rule=str(index + 1),
        field=Label("composition_field", field),
        problem=problem,
    )
