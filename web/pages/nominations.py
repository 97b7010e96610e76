"""The nomination detail page: record, evidence, rule results, timeline and diagram."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.deps import Now, Uow
from web.pages.context import LoggedIn
from web.pages.helpers import page_globals
from web.pages.pictures import page_diagram
from web.pages.render import render
from workflow.queries.attachments import panel as attachment_panel
from workflow.queries.nominations import nomination_detail
from workflow.services.definitions import definition_of, machine_of

router = APIRouter()


@router.get("/nominations/{nomination_id}")
def nomination_page(
    request: Request, nomination_id: int, viewer: LoggedIn, uow: Uow, now: Now
) -> Response:
    """Everything about one nomination that this viewer may see (404 if none, 403 if recused)."""
    view = nomination_detail(uow, viewer.actor, nomination_id, now)
    n = view.nomination
    definition = definition_of(n.definition)
    diagram = page_diagram(
        request, machine_of(n.definition), f"{n.definition.key}:{n.definition.checksum}", n.status
    )
    context = {
        "view": view,
        "n": n,
        "definition": definition,
        "diagram": diagram,
        "attachments": attachment_panel(uow, viewer.actor, n),
        **page_globals(uow, viewer),
    }
    return render(request, "nomination.html", context)
