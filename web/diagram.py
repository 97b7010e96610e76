"""The workflow diagram on the pages: laid out by Graphviz, cached, with a fallback.

The DOT text comes from the domain (`workflow.diagram_dot.workflow_dot`); `dot` turns it
into SVG (`web.graphviz`). A drawing is cached per (definition version, current state,
language, dot program): the same page asked again runs no process. Without `dot` the page
says so in one sentence and lists the states instead (`Diagram.svg` is None).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from config.settings import Settings
from web.graphviz import inline_svg, run_dot
from workflow.diagram_dot import workflow_dot
from workflow.machine import NominationMachine

CACHE_SIZE = 256
_cache: OrderedDict[tuple[str, str, str, str], Markup] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Diagram:
    """What a page shows: the drawing, or (svg None) the states as a list."""

    svg: Markup | None
    states: list[tuple[str, str]]  # (code, label), in the machine's order
    current: str | None


def _drawing(dot_text: str, settings: Settings, title: str) -> Markup | None:
    svg = run_dot(dot_text, settings.dot_path, settings.dot_timeout)
    inline = inline_svg(svg, "workflow-diagram", title) if svg is not None else None
    return Markup(inline) if inline is not None else None  # parsed and re-serialised: escaped


def workflow_diagram(
    machine: NominationMachine,
    version: str | None,
    current: str | None,
    lang: str,
    settings: Settings,
    names: Callable[[str], str],
) -> Diagram:
    """The definition's diagram for a page, the current state marked, from the cache if drawn.

    `version` is the stored version's key; None (a file being validated) is never cached."""
    key = (version or "", current or "", lang, settings.dot_path)
    with _lock:
        svg = _cache.get(key) if version else None
        if svg is not None:
            _cache.move_to_end(key)
    if svg is None:
        dot_text = workflow_dot(machine, current, lang, names)
        svg = _drawing(dot_text, settings, machine.definition.title)
        # A failure is not kept, so installing graphviz takes effect at once.
        if svg is not None and version:
            with _lock:
                _cache[key] = svg
                while len(_cache) > CACHE_SIZE:
                    _cache.popitem(last=False)
    states = [(state, names(state)) for state in machine.states]
    return Diagram(svg, states, current)


def forget_drawings() -> None:
    """Empty the cache (tests; a changed setting is part of the key already)."""
    with _lock:
        _cache.clear()
