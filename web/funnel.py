"""The funnel as a funnel: an inline SVG band per step, as wide as its count, words that fit.

Each band narrows to the next one's width, so the drawing reads as a funnel; its words (the
step, how many reached it and their share of the first step) are centred over it on two
lines and wrapped to the drawing's width, never cut. The figures are also given as a table
(the page puts it in a <details>) for screen readers and copying.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from web.svg_text import text_lines, wrap

WIDTH = 360  # the viewBox: the drawing scales to its box (a phone's 320 px or more)
BAND_MAX, BAND_MIN, GAP, PAD = 340.0, 6.0, 4.0, 6.0
LABEL_SIZE, FIGURE_SIZE = 15.0, 13.0


@dataclass(frozen=True)
class Band:
    """One step as the funnel shows it."""

    state: str
    label: str
    count: int
    figures: str  # e.g. 215人，占全部填报的71.7%
    share: str  # of the first step: 71.7%
    now: int = 0  # how many are at this step now (for the table)


def _width(count: int, largest: int) -> float:
    return BAND_MIN if count <= 0 else max(BAND_MIN, BAND_MAX * count / largest)


def _band(band: Band, top: float, width: float, below: float) -> tuple[str, float]:
    """One band's shape and words; returns them and the band's height."""
    labels = wrap(band.label, WIDTH - 2 * PAD, LABEL_SIZE)
    figures = wrap(band.figures, WIDTH - 2 * PAD, FIGURE_SIZE)
    height = PAD * 2 + LABEL_SIZE * 1.3 * len(labels) + FIGURE_SIZE * 1.3 * len(figures)
    mid = WIDTH / 2
    points = [
        (mid - width / 2, top), (mid + width / 2, top),
        (mid + below / 2, top + height), (mid - below / 2, top + height),
    ]  # fmt: skip
    shape = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    first = top + PAD + LABEL_SIZE
    after = first + LABEL_SIZE * 1.3 * (len(labels) - 1) + FIGURE_SIZE * 1.35
    parts = [
        f'<g class="band" data-state="{escape(band.state)}" data-count="{band.count}">',
        f'<polygon points="{shape}"/>',
        text_lines(labels, mid, first, LABEL_SIZE, "step", "middle"),
        text_lines(figures, mid, after, FIGURE_SIZE, "figures", "middle"),
        "</g>",
    ]
    return "".join(parts), height


STYLE = (
    "<style>.band polygon{fill:#fecaca;stroke:#b91c1c;stroke-width:1}"
    '.band text{font-family:system-ui,"Noto Sans CJK SC",sans-serif;fill:#1f2933;'
    "paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}"
    ".band .step{font-weight:700}</style>"
)


def funnel_svg(bands: Sequence[Band], title: str) -> Markup:
    """The bands top to bottom, each as wide as its count against the largest."""
    largest = max([b.count for b in bands] + [1])
    widths = [_width(b.count, largest) for b in bands]
    shapes, top = [], 0.0
    for index, band in enumerate(bands):
        below = widths[index + 1] if index + 1 < len(bands) else widths[index]
        shape, height = _band(band, top, widths[index], below)
        shapes.append(shape)
        top += height + GAP
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {max(top - GAP, 1):.0f}" '
        f'role="img" aria-label="{escape(title)}" class="funnel-chart">'
        f"<title>{escape(title)}</title>{STYLE}{''.join(shapes)}</svg>"
    )
    return Markup(svg)  # every text inside was escaped above


def funnel_bands(
    steps: Sequence[tuple[str, int, int]], label: Callable[[str], str], figures: Callable[..., str]
) -> list[Band]:
    """Bands from (state, reached, now) rows; `figures(count=, share=)` words each one's line."""
    if not steps:
        return []
    first_count = steps[0][1]
    bands = []
    for state, count, now in steps:
        share = f"{100 * count / first_count:.1f}%" if first_count else "-"
        words = figures(count=count, share=share)
        bands.append(Band(state, label(state), count, words, share, now))
    return bands
