"""The workflow diagram as inline SVG: boxes for states, arrows for transitions, no JS library.

Layout: the main path (draft, submitted, every stage, awarded, revoked) runs down the middle;
a team-review stage's "returned" state sits to its left; the end states of the road sit to the
right, each level with the first state that leads to it. Withdrawing is possible from every open
state, so it is drawn once (from draft) with a note, as the Mermaid diagram does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from workflow.machine import AWARDED, DRAFT, END_STATES, REVOKED, SUBMITTED, NominationMachine

BOX_W, BOX_H, ROW_H = 176, 40, 66
COLUMNS = {"left": 16, "main": 300, "right": 590}
WIDTH = COLUMNS["right"] + BOX_W + 16


@dataclass(frozen=True)
class Box:
    state: str
    x: int
    y: int

    @property
    def cx(self) -> int:
        return self.x + BOX_W // 2

    @property
    def cy(self) -> int:
        return self.y + BOX_H // 2


def layout(machine: NominationMachine) -> dict[str, Box]:
    """Where each state's box goes."""
    main = [DRAFT, SUBMITTED, *(s.id for s in machine.definition.stages), AWARDED, REVOKED]
    boxes = {state: Box(state, COLUMNS["main"], 16 + i * ROW_H) for i, state in enumerate(main)}
    for state in machine.states:
        if state.endswith("_returned") and state.removesuffix("_returned") in boxes:
            row = boxes[state.removesuffix("_returned")]
            boxes[state] = Box(state, COLUMNS["left"], row.y)
    ends = [e for e in END_STATES if e != REVOKED and e in machine.states]
    first_source = {
        end: min(
            (boxes[s.source].y for s in machine.specs if s.dest == end and s.source in boxes),
            default=16,
        )
        for end in ends
    }
    next_y = 16
    for end in sorted(ends, key=lambda e: first_source[e]):
        y = max(first_source[end], next_y)
        boxes[end] = Box(end, COLUMNS["right"], y)
        next_y = y + ROW_H
    return boxes


def _arrow(a: Box, b: Box, label: str, bend: int = 0) -> str:
    """A straight arrow between the facing sides of two boxes, labelled at its middle."""
    if a.x == b.x:  # same column: bottom to top (or top to bottom)
        down = b.y > a.y
        x1, y1 = a.cx + bend, a.y + (BOX_H if down else 0)
        x2, y2 = b.cx + bend, b.y + (0 if down else BOX_H)
    else:
        right = b.x > a.x
        x1, y1 = a.x + (BOX_W if right else 0), a.cy + bend
        x2, y2 = b.x + (0 if right else BOX_W), b.cy + bend
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    # Labels of vertical arrows sit to their right; of others above (below, for a return arrow).
    if a.x == b.x:
        lx, ly, anchor = mx + 6, my + 4, "start"
    else:
        lx, ly, anchor = mx, my + (13 if bend > 0 else -4), "middle"
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="edge" marker-end="url(#hf-arrow)"/>'
        f'<text x="{lx:.0f}" y="{ly:.0f}" text-anchor="{anchor}" class="edge-label">'
        f"{escape(label)}</text>"
    )


def _box(box: Box, label: str, current: bool) -> str:
    kind = "current" if current else ("end" if box.x == COLUMNS["right"] else "state")
    aria = ' aria-current="step"' if current else ""
    return (
        f'<g class="box {kind}" data-state="{escape(box.state)}"{aria}>'
        f'<rect x="{box.x}" y="{box.y}" width="{BOX_W}" height="{BOX_H}" rx="7"/>'
        f'<text x="{box.cx}" y="{box.cy + 5}" text-anchor="middle">{escape(label)}</text></g>'
    )


STYLE = (
    "<style>"
    ".box rect{fill:#fff;stroke:#7b8794;stroke-width:1.5}"
    ".box.end rect{fill:#f5f5f4}"
    ".box.current rect{fill:#fde68a;stroke:#b45309;stroke-width:3.5}"
    ".box text{font:14px system-ui,sans-serif;fill:#1f2933}"
    ".box.current text{font-weight:700}"
    ".edge{stroke:#616e7c;stroke-width:1.3}"
    ".edge-label{font:11px system-ui,sans-serif;fill:#616e7c}"
    "</style>"
)


def workflow_svg(
    machine: NominationMachine,
    label: Callable[[str], str],
    current: str | None = None,
    title: str = "workflow",
    trigger_label: Callable[[str], str] = str,
    withdraw_note: str = "* withdraw: from every open state",
) -> Markup:
    """The definition's states and transitions as an SVG, the current state highlighted.

    States, triggers and the withdraw note are shown as the caller words them (the pages
    pass the catalogue's labels in the reader's language)."""
    boxes = layout(machine)
    height = max(b.y for b in boxes.values()) + BOX_H + 16
    seen: set[tuple[str, str]] = set()
    edges = []
    for spec in machine.specs:
        if spec.trigger == "withdraw" and spec.source != DRAFT:
            continue  # one withdraw arrow stands for all
        pair = (spec.source, spec.dest)
        if pair in seen or spec.source not in boxes or spec.dest not in boxes:
            continue
        seen.add(pair)
        back = (spec.dest, spec.source) in seen
        name = trigger_label(spec.trigger) + (" *" if spec.trigger == "withdraw" else "")
        edges.append(_arrow(boxes[spec.source], boxes[spec.dest], name, 8 if back else -4))
    shapes = [_box(b, label(b.state), b.state == current) for b in boxes.values()]
    note = (
        f'<text x="{COLUMNS["right"]}" y="{height - 4}" class="edge-label">'
        f"{escape(withdraw_note)}</text>"
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height + 8}" '
        f'role="img" aria-label="{escape(title)}" class="workflow-diagram">'
        f"<title>{escape(title)}</title>{STYLE}"
        '<defs><marker id="hf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#616e7c"/></marker></defs>' + "".join(edges) + "".join(shapes) + note + "</svg>"
    )
    return Markup(svg)  # every text inside was escaped above
