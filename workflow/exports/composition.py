"""结构比例报告: each composition rule, its figures, and whether the list meets it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from config.catalogue import Label, text
from models import Campaign
from workflow.exports.sheet import Column, Sheet, subtitle
from workflow.rules.composition import CompositionResult

COLUMNS = (
    Column("index", 6, "int"),
    Column("rule", 28, wrap=True),
    Column("rule_kind", 12),
    Column("bound", 16),
    Column("count", 8, "int"),
    Column("base", 8, "int"),
    Column("value", 10),
    Column("outcome", 10),
    Column("detail", 60, wrap=True),
)


def outcome(result: CompositionResult) -> str:
    """pass, fail, or not_evaluated (a rule over an empty base is measured against nothing)."""
    evaluated = getattr(result, "evaluated", True)  # the field representativeness adds
    if not evaluated or result.message.code == "composition.empty_base":
        return "not_evaluated"
    return "pass" if result.ok else "fail"


def value(result: CompositionResult) -> float | int:
    """A share rule's share (a fraction, shown as a percentage); a count otherwise."""
    return result.value if result.kind == "share" else int(result.value)


def rule_row(index: int, result: CompositionResult, locale: str) -> list[object]:
    """One rule as a row of the report."""
    return [
        index, result.label, text(f"export.rule_kind.{result.kind}", locale), result.bound,
        result.count, result.base_count, value(result),
        text(f"export.outcome.{outcome(result)}", locale), result.text(locale),
    ]  # fmt: skip


def composition_sheet(
    campaign: Campaign,
    scope: str,
    size: int,
    results: Sequence[CompositionResult],
    now: datetime,
    locale: str,
) -> Sheet:
    """The report over one set (scope) of the campaign's nominees."""
    over = text("export.composition_scope", locale, scope=Label("scope", scope), count=size)
    rows = [rule_row(i, r, locale) for i, r in enumerate(results, start=1)]
    return Sheet(
        tab=text("export.kind.composition", locale),
        title=text("export.title.composition", locale, campaign=campaign.title),
        subtitle=subtitle([campaign.title, over], now, locale),
        columns=COLUMNS,
        rows=rows,
        locale=locale,
    )
