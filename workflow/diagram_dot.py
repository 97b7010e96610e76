"""The workflow diagram as Graphviz DOT text, in a reader's language.

Pure text like `NominationMachine.mermaid`: states are nodes (ids quoted codes, labels the
catalogue's words), edges carry the trigger's label, and a joint-review stage is drawn as a
cluster holding its department groups (one per routing entry) side by side, so the parallel
reviews and the one-objection veto can be seen. Graphviz (`dot`) lays it out; edge labels
are ordinary `label`s, which dot places as nodes of their own so no two overlap.
Withdrawing is possible from every open state: one edge (from draft) stands for all, with
the catalogue's note under the drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from config.catalogue import DEFAULT, label, state_label, text
from workflow.definition import StageKind, StageSpec
from workflow.machine import DRAFT, END_STATES, NominationMachine

# Fonts tried in order: the first one fontconfig has wins; the others are the fallback.
FONTS = "Noto Sans CJK SC,Source Han Sans SC,WenQuanYi Zen Hei,Microsoft YaHei,sans-serif"
INK, MUTED, LINE = "#1f2933", "#3e4c59", "#7b8794"
Names = Callable[[str], str]
CURRENT = 'fillcolor="#fde68a", color="#b45309", penwidth=3, fontname="{font} Bold"'


def quoted(words: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, no line breaks.

    `&` is written as `&amp;` because Graphviz reads character entities in labels."""
    safe = words.replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"')
    safe = safe.replace("\n", " ")
    return f'"{safe}"'


def _attrs(**values: Any) -> str:
    return ", ".join(f"{key}={quoted(str(value))}" for key, value in values.items())


def _node_id(state: str) -> str:
    return quoted(f"s_{state}")


def _when_words(when: Mapping[str, Any], locale: str) -> str:
    """A routing entry's condition in words: every nominee, or field: value(s)."""
    if not when:
        return text("diagram.route_everyone", locale)
    parts = []
    for field, wanted in when.items():
        values = wanted if isinstance(wanted, list) else [wanted]
        shown = text("diagram.list_separator", locale).join(
            label(f"vocab.{field}", str(v), locale) for v in values
        )
        parts.append(text("diagram.route_condition", locale, field=label("field", field, locale),
                          values=shown))  # fmt: skip
    return text("diagram.list_joiner", locale).join(parts)


def _joint_cluster(
    stage: StageSpec, machine: NominationMachine, current: str | None, locale: str, names: Names
) -> Iterator[str]:
    """A joint-review stage: its state on top, a box per department group, a join below."""
    s = stage.id
    departments = machine.definition.departments
    rule = f"diagram.joint_{stage.completion.rule}"  # all_clear or quorum
    yield f"  subgraph {quoted('cluster_' + s)} {{"
    yield f"    {_attrs(label=text(rule, locale, quorum=stage.completion.quorum or 0))};"
    yield '    style="rounded,dashed"; color="#9aa5b1"; fontcolor="#3e4c59";'
    yield "    fontsize=11; labelloc=t;"
    yield f"    {_state_node(s, current, names)}"
    fork, join = quoted("f_" + s), quoted("j_" + s)
    links = [f"    {_node_id(s)} -> {fork} [arrowhead=none];"]
    for index, route in enumerate(stage.routing):
        yield f"    subgraph {quoted(f'cluster_{s}_{index}')} {{"
        yield f"      {_attrs(label=_when_words(route.when, locale))};"
        yield '      style="rounded,filled"; fillcolor="#f0f4f8"; color="#d9e2ec";'
        yield "      fontsize=10; labelloc=t;"
        for dept in route.departments:
            dept_id = quoted(f"d_{s}_{index}_{dept}")
            name = departments[dept].name if dept in departments else dept
            yield f"      {dept_id} [{_attrs(label=name, id=f'dept-{s}-{dept}')}, fontsize=11];"
            # Edges are written outside the group: an edge inside would pull its ends in.
            links.append(f"    {fork} -> {dept_id} [style=dashed, arrowsize=0.6];")
            links.append(f"    {dept_id} -> {join} [arrowhead=none];")
        yield "    }"
    yield f'    {fork} [shape=point, width=0.06, label=""];'
    yield f'    {join} [shape=point, width=0.08, label=""];'
    yield from links
    yield "  }"


def _state_node(state: str, current: str | None, names: Names) -> str:
    extra = ", " + CURRENT.format(font=FONTS.split(",")[0]) if state == current else ""
    kind = "end" if state in END_STATES else "state"
    fill = ', fillcolor="#f5f5f4"' if kind == "end" and state != current else ""
    shown = _attrs(label=names(state), id=f"state-{state}")
    return f"{_node_id(state)} [{shown}{fill}{extra}];"


def _edges(machine: NominationMachine, locale: str) -> Iterator[str]:
    """One edge per (source, dest), labelled by its trigger; a joint review's leave its join."""
    joint = {s.id for s in machine.definition.stages if s.kind is StageKind.JOINT_REVIEW}
    seen: set[tuple[str, str]] = set()
    for spec in machine.specs:
        if spec.trigger == "withdraw" and spec.source != DRAFT:
            continue  # one withdraw edge stands for all, with the note under the drawing
        pair = (spec.source, spec.dest)
        if pair in seen:
            continue
        seen.add(pair)
        words = label("trigger", spec.trigger, locale) + (
            " *" if spec.trigger == "withdraw" else ""
        )
        tail, extra = _node_id(spec.source), ""
        if spec.source in joint:
            tail = quoted("j_" + spec.source)
        if spec.dest in joint:
            extra = f", lhead={quoted('cluster_' + spec.dest)}"
        edge_id = f"edge-{spec.source}-{spec.trigger}-{spec.dest}"
        yield f"  {tail} -> {_node_id(spec.dest)} [{_attrs(label=words, id=edge_id)}{extra}];"


def workflow_dot(
    machine: NominationMachine,
    current: str | None = None,
    locale: str = DEFAULT,
    names: Names | None = None,
) -> str:
    """The definition's states, edges and joint-review departments as DOT, current state marked.

    States are named by `names` (the pages pass theirs: a stage's own title), else by the
    catalogue's state labels."""
    if names is None:
        names = partial(state_label, locale=locale)
    stages = {s.id: s for s in machine.definition.stages}
    head = [
        "digraph workflow {",
        f"  graph [{_attrs(fontname=FONTS, label=text('event.diagram_withdraw_note', locale))}, "
        "rankdir=TB, compound=true, nodesep=0.35, ranksep=0.4, fontsize=11, labelloc=b, "
        'bgcolor="transparent", pad=0.1];',
        f'  node [{_attrs(fontname=FONTS)}, shape=box, style="rounded,filled", '
        f'fillcolor="#ffffff", color="{LINE}", fontcolor="{INK}", fontsize=13, '
        'margin="0.14,0.06", height=0.4];',
        f'  edge [{_attrs(fontname=FONTS)}, fontsize=11, color="#616e7c", '
        f'fontcolor="{MUTED}", arrowsize=0.7];',
    ]
    body: list[str] = []
    for state in machine.states:
        stage = stages.get(state)
        if stage is not None and stage.kind is StageKind.JOINT_REVIEW:
            body.extend(_joint_cluster(stage, machine, current, locale, names))
        else:
            body.append("  " + _state_node(state, current, names))
    return "\n".join([*head, *body, *_edges(machine, locale), "}"]) + "\n"
