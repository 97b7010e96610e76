"""The workflow diagram of a page: the page's language, the app's Graphviz settings."""

from __future__ import annotations

from fastapi import Request

from config.settings import Settings
from web.diagram import Diagram, workflow_diagram
from web.i18n import state_labeller
from web.pages.render import language
from workflow.machine import NominationMachine


def page_diagram(
    request: Request, machine: NominationMachine, version: str | None, current: str | None = None
) -> Diagram:
    """The diagram in the page's language, with the app's Graphviz settings."""
    lang = language(request)
    definition = machine.definition
    label = state_labeller(lang)
    settings: Settings = request.app.state.wiring.settings
    return workflow_diagram(
        machine, version, current, lang, settings, lambda state: label(state, definition)
    )
