"""结构比例报告: each composition rule, its figures, and whether the list meets it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from config.catalogue import Label, label, render, text
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
    Column("status", 10),
    Column("not_evaluated_reason", 12),
    Column("detail", 60, wrap=True),
)


def status(result: CompositionResult, locale: str) -> str:
    """达标, 未达标 or 未评估 (a share of an empty list or base is measured against nothing)."""
    return label("composition.status", result.status, locale)


def reason(result: CompositionResult, locale: str) -> str:
    """Why a rule was not evaluated (名单为空, 基数为空); blank for a rule that was."""
    return label("composition.reason", result.reason, locale) if result.reason else ""


def value(result: CompositionResult) -> float | int:
    """A share rule's share (a fraction, shown as a percentage); a count otherwise."""
    return result.value if result.kind == "share" else int(result.value)


def rule_row(index: int, result: CompositionResult, locale: str) -> list[object]:
    """One rule as a row of the report."""
    return [
        index, result.label, text(f"export.rule_kind.{result.kind}", locale),
        render(result.bound_message, locale),
        result.count, result.base_count, value(result),
        status(result, locale), reason(result, locale), result.text(locale),
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
