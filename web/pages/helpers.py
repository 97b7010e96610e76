"""What page handlers share: template globals for a viewer, statuses, translated messages."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from models.uow import UnitOfWork
from web import i18n
from web.errors import status_of
from web.pages.context import Viewer
from web.pages.exports import export_links
from web.pages.render import language
from workflow.access.exports import KINDS
from workflow.errors import HonorflowError
from workflow.queries.campaigns import department_names


def page_globals(uow: UnitOfWork, viewer: Viewer | None) -> dict[str, Any]:
    """The viewer, their CSRF token and the name lookups every logged-in page uses."""
    names = department_names(uow)
    return {
        "viewer": viewer,
        "csrf": viewer.csrf if viewer else "",
        "department_name": lambda code: names.get(code, code),
        # A department's name, or None: an actor's place is left out rather than shown as code.
        "place_name": names.get,
        # The export buttons a page offers this viewer (`web/templates/_exports.html`).
        "export_links": lambda campaign, kinds=KINDS: (
            export_links(viewer.actor, campaign, kinds) if viewer else []
        ),
    }


def say(request: Request, key: str, **values: object) -> str:
    """A UI string in the request's language (for messages built in handlers)."""
    return i18n.t(key, language(request), **values)


def refusal(request: Request, exc: HonorflowError) -> str:
    """A domain error's words in the page's language (never `str(exc)`, the Chinese)."""
    return exc.text(language(request))


def status_for(exc: HonorflowError) -> int:
    """The HTTP status a refused action is shown with (the API's mapping)."""
    return status_of(exc)[0]
