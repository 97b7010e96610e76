"""The composition report as an inline SVG bar chart, each rule's value against its bounds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from markupsafe import Markup

from workflow.rules.composition import (
    CompositionResult,
    ControlNumberRule,
    CoverageRule,
    ShareRule,
    parse_composition_rules,
)

LABEL_W, BAR_W, ROW_H, FIGURE_W = 250, 330, 40, 120
WIDTH = LABEL_W + BAR_W + FIGURE_W


def bounds(rule: Any) -> tuple[float | None, float | None, float]:
    """(minimum, maximum, scale) of a rule: shares on 0..1, counts on 0..a little past the bound."""
    if isinstance(rule, ShareRule):
        return rule.min_share, rule.max_share, 1.0
    if isinstance(rule, ControlNumberRule):
        return None, float(rule.max_count), float(max(rule.max_count, 1))
    if isinstance(rule, CoverageRule):
        return float(rule.min_count), None, float(max(rule.min_count, 1))
    return None, None, 1.0


def _x(value: float, scale: float) -> float:
    return LABEL_W + BAR_W * min(max(value / scale, 0.0), 1.0)


def _figure(result: CompositionResult) -> str:
    if result.kind == "share":
        return f"{result.value * 100:.1f}% ({result.count}/{result.base_count})"
    return f"{int(result.value)} ({result.bound})"


def _row(index: int, result: CompositionResult, rule: Any) -> str:
    low, high, scale = bounds(rule)
    if result.kind != "share":
        scale = max(scale, result.value) * 1.25
    y = 10 + index * ROW_H
    width = _x(result.value, scale) - LABEL_W
    colour = "#15803d" if result.ok else "#b91c1c"
    parts = [
        f'<g class="rule {"ok" if result.ok else "failing"}" data-rule="{escape(result.rule_id)}">',
        f'<text x="{LABEL_W - 8}" y="{y + 17}" text-anchor="end" class="lbl">'
        f"{escape(result.label[:22])}</text>",
        f'<rect x="{LABEL_W}" y="{y + 4}" width="{BAR_W}" height="18" fill="#eef2f6"/>',
        f'<rect x="{LABEL_W}" y="{y + 4}" width="{width:.1f}" height="18" fill="{colour}">'
        f"<title>{escape(result.detail)}</title></rect>",
    ]
    for bound, name in ((low, "min"), (high, "max")):
        if bound is not None:
            bx = _x(bound, scale)
            parts.append(
                f'<line x1="{bx:.1f}" x2="{bx:.1f}" y1="{y}" y2="{y + 26}" class="bound {name}"/>'
            )
    mark = "" if result.ok else " ✗"
    parts.append(
        f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 17}" class="fig">'
        f"{escape(_figure(result))}{mark}</text>"
    )
    parts.append("</g>")
    return "".join(parts)


STYLE = (
    "<style>.lbl,.fig{font:13px system-ui,sans-serif;fill:#1f2933}"
    ".failing .fig,.failing .lbl{fill:#b91c1c;font-weight:600}"
    ".bound{stroke:#1f2933;stroke-width:2.5;stroke-dasharray:3 2}</style>"
)


def composition_svg(
    results: Sequence[CompositionResult], raw_rules: Sequence[Mapping[str, Any]], title: str
) -> Markup:
    """One bar per rule, green within bounds and red outside; dashed lines mark the bounds."""
    rules = {rule.id: rule for rule in parse_composition_rules(raw_rules)}
    rows = [_row(i, r, rules.get(r.rule_id)) for i, r in enumerate(results)]
    height = 20 + len(results) * ROW_H
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" class="composition-chart"><title>{escape(title)}</title>'
        f"{STYLE}{''.join(rows)}</svg>"
    )
    return Markup(svg)  # every text inside was escaped above
