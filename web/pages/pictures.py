"""The pictures of the pages in the page's language: diagram, funnel, composition chart."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from markupsafe import Markup

from config.settings import Settings
from web.charts import composition_svg
from web.diagram import Diagram, workflow_diagram
from web.funnel import Band, funnel_bands, funnel_svg
from web.i18n import state_labeller, t
from web.pages.render import language
from workflow.definition import Definition
from workflow.machine import NominationMachine
from workflow.queries.funnel import FunnelStep
from workflow.rules.composition import CompositionResult, CompositionRule


def page_diagram(
    request: Request, machine: NominationMachine, version: str | None, current: str | None = None
) -> Diagram:
    """The workflow diagram, with the app's Graphviz settings."""
    lang = language(request)
    definition = machine.definition
    label = state_labeller(lang)
    settings: Settings = request.app.state.wiring.settings
    return workflow_diagram(
        machine, version, current, lang, settings, lambda state: label(state, definition)
    )


def page_funnel(
    request: Request, steps: Sequence[FunnelStep], definition: Definition
) -> tuple[list[Band], Markup]:
    """The funnel's bands (for its table) and its drawing: how many reached each step."""
    lang = language(request)
    label = state_labeller(lang)
    bands = funnel_bands(
        [(step.state, step.entered, step.now) for step in steps],
        lambda state: label(state, definition),
        lambda **figures: t("funnel_figures", lang, **figures),
    )
    return bands, funnel_svg(bands, t("funnel_chart", lang))


def page_composition(
    request: Request, results: Sequence[CompositionResult], rules: Sequence[CompositionRule]
) -> Markup:
    """The composition chart: each rule against its bounds, with its words."""
    lang = language(request)
    return composition_svg(results, rules, t("composition_chart", lang), lang)
