"""The composition report as an inline SVG: each rule a bar against its bounds, words that fit.

Per rule, top to bottom: the rule's label on its own lines (wrapped, never cut), a bar from
zero to the scale with the value filled and the bounds marked, and one line of words — the
value, the bounds and the status — so the status is read from colour and from text alike: met
(green), missed (red), or not evaluated (grey, no value: a share of an empty list or base).
The drawing is 360 units wide and scales to its box: readable on a 375 px phone.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markupsafe import Markup

from config import catalogue
from web.svg_text import text_lines, wrap
from workflow.rules.composition import (
    CompositionResult,
    CompositionRule,
    ControlNumberRule,
    CoverageRule,
    ShareRule,
)

WIDTH, PAD, BAR_H, GAP = 360.0, 4.0, 14.0, 14.0
LABEL_SIZE, WORDS_SIZE = 14.0, 12.5
BAR_W = WIDTH - 2 * PAD
OK, FAILING, NOT_EVALUATED = "#15803d", "#b91c1c", "#616e7c"
# Per status: the colour of the bar and the words, the class of the rule, the mark before words.
LOOK = {
    "met": (OK, "ok", "✓ "),
    "missed": (FAILING, "failing", "✗ "),
    "not_evaluated": (NOT_EVALUATED, "not_evaluated", "– "),
}


def bounds(rule: Any) -> tuple[float | None, float | None, float]:
    """(minimum, maximum, scale) of a rule: shares on 0..1, counts on 0..a little past the bound."""
    if isinstance(rule, ShareRule):
        return rule.min_share, rule.max_share, 1.0
    if isinstance(rule, ControlNumberRule):
        return None, float(rule.max_count), float(max(rule.max_count, 1))
    if isinstance(rule, CoverageRule):
        return float(rule.min_count), None, float(max(rule.min_count, 1))
    return None, None, 1.0


def percent(share: float) -> str:
    """A share as offices write it: 45%, 22.5%."""
    shown = f"{share * 100:.1f}".removesuffix(".0")
    return f"{shown}%"


def words(result: CompositionResult, rule: Any, lang: str) -> str:
    """The value, the bounds and the status of one rule, in words (no value when the rule was
    not evaluated: there is none)."""

    def t(key: str, **figures: Any) -> str:
        return catalogue.text(f"page.chart_{key}", lang, **figures)

    if result.status == "not_evaluated":
        parts = []
    elif result.kind == "share":
        parts = [t("actual_share", share=percent(result.value), count=result.count,
                   base=result.base_count)]  # fmt: skip
    elif getattr(rule, "per_unit", False):
        parts = [t("actual_per_unit", count=result.count)]
    else:
        parts = [t("actual_count", count=result.count)]
    if isinstance(rule, ShareRule):
        if rule.min_share is not None:
            parts.append(t("min_share", share=percent(rule.min_share)))
        if rule.max_share is not None:
            parts.append(t("max_share", share=percent(rule.max_share)))
    elif isinstance(rule, ControlNumberRule):
        parts.append(t("max_count", count=rule.max_count))
    elif isinstance(rule, CoverageRule):
        parts.append(t("min_count", count=rule.min_count))
    parts.append(catalogue.render(result.status_message, lang))
    return t("joiner").join(parts)


def _x(value: float, scale: float) -> float:
    return PAD + BAR_W * min(max(value / scale, 0.0), 1.0)


def _bar(result: CompositionResult, rule: Any, top: float) -> str:
    low, high, scale = bounds(rule)
    if result.kind != "share":
        scale = max(scale, result.value) * 1.25  # room past the bound for a value over it
    colour = LOOK[result.status][0]
    width = max(_x(result.value, scale) - PAD, 0.0)  # nothing drawn when not evaluated (0)
    parts = [
        f'<rect x="{PAD}" y="{top:.1f}" width="{BAR_W}" height="{BAR_H}" rx="3" class="track"/>',
        f'<rect x="{PAD}" y="{top:.1f}" width="{width:.1f}" height="{BAR_H}" rx="3" '
        f'fill="{colour}" class="value"/>',
    ]
    for bound, name in ((low, "min"), (high, "max")):
        if bound is not None:
            bx = _x(bound, scale)
            parts.append(
                f'<line x1="{bx:.1f}" x2="{bx:.1f}" y1="{top - 3:.1f}" y2="{top + BAR_H + 3:.1f}" '
                f'class="bound {name}"/>'
            )
    return "".join(parts)


def _rule(result: CompositionResult, rule: Any, top: float, lang: str) -> tuple[str, float]:
    """One rule's label, bar and words; returns them and their height."""
    labels = wrap(result.label, BAR_W, LABEL_SIZE)
    _, verdict, mark = LOOK[result.status]
    said = wrap(mark + words(result, rule, lang), BAR_W, WORDS_SIZE)
    bar_top = top + LABEL_SIZE * 1.3 * len(labels) + 2
    words_top = bar_top + BAR_H + 4 + WORDS_SIZE
    height = words_top - top + WORDS_SIZE * 1.3 * (len(said) - 1) + 4
    parts = [
        f'<g class="rule {verdict}" data-rule="{escape(result.rule_id)}">',
        text_lines(labels, PAD, top + LABEL_SIZE, LABEL_SIZE, "lbl", "start"),
        _bar(result, rule, bar_top),
        text_lines(said, PAD, words_top, WORDS_SIZE, "words", "start"),
        "</g>",
    ]
    return "".join(parts), height


STYLE = (
    '<style>.composition-chart text{font-family:system-ui,"Noto Sans CJK SC",sans-serif;'
    "fill:#1f2933}.composition-chart .lbl{font-weight:600}"
    f".composition-chart .failing .words{{fill:{FAILING};font-weight:600}}"
    f".composition-chart .ok .words{{fill:{OK}}}"
    f".composition-chart .not_evaluated .words{{fill:{NOT_EVALUATED};font-style:italic}}"
    ".composition-chart .track{fill:#e4e7eb}"
    ".composition-chart .bound{stroke:#1f2933;stroke-width:2.5;stroke-dasharray:3 2}</style>"
)


def composition_svg(
    results: Sequence[CompositionResult],
    rules_in_force: Sequence[CompositionRule],
    title: str,
    lang: str = catalogue.DEFAULT,
) -> Markup:
    """Every rule stacked: label, bar against its bounds (dashed), value and verdict in words."""
    rules = {rule.id: rule for rule in rules_in_force}
    shapes, top = [], 0.0
    for result in results:
        shape, height = _rule(result, rules.get(result.rule_id), top, lang)
        shapes.append(shape)
        top += height + GAP
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} {max(top, 1):.0f}" '
        f'role="img" aria-label="{escape(title)}" class="composition-chart">'
        f"<title>{escape(title)}</title>{STYLE}{''.join(shapes)}</svg>"
    )
    return Markup(svg)  # every text inside was escaped above
