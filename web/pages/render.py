"""Rendering pages: one Jinja2 environment (autoescaped), the language, friendly error pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from config.date_filters import FILTERS as DATE_FILTERS
from documents.render import TEMPLATES as DOCUMENT_TEMPLATES
from web import i18n

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LANG_COOKIE = "lang"

ENV = Environment(
    # The documents' templates too: a page includes the same body its PDF prints.
    loader=ChoiceLoader([FileSystemLoader(TEMPLATES), FileSystemLoader(DOCUMENT_TEMPLATES)]),
    autoescape=select_autoescape(["html", "xml"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(DATE_FILTERS)  # instant, day, period, deadline: config/date_filters.py
ENV.filters["pct"] = i18n.percent


def language(request: Request) -> str:
    """The page language: ?lang= first, then the cookie, else Chinese."""
    asked = request.query_params.get("lang")
    if asked in i18n.LANGS:
        return asked
    kept = request.cookies.get(LANG_COOKIE)
    return kept if kept in i18n.LANGS else i18n.DEFAULT


def render(
    request: Request, template: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    """Render a page in the request's language; ?lang= is remembered in a cookie."""
    lang = language(request)
    values = {
        "request": request,
        "lang": lang,
        "t": i18n.translator(lang),
        "state_label": i18n.state_labeller(lang),
        "vocab": i18n.vocab_labeller(lang),
        "label": i18n.labeller(lang),
        "text": i18n.renderer(lang),
        "event": i18n.event_labeller(lang),
        "actor": i18n.actor_labeller(lang),
        "viewer": None,
        "csrf": "",
        "error": None,
        "message": None,
        **context,
    }
    html = ENV.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") in i18n.LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


# What each status says to a person, and what they can do about it.
ERROR_KEYS = {
    400: "error_400",
    403: "error_403",
    404: "error_404",
    405: "error_405",
    409: "error_409",
    413: "error_413",
    422: "error_422",
    429: "error_429",
}


def error_page(request: Request, status: int, message: str) -> Response:
    """The friendly HTML page for an error on a page (the app routes page errors here)."""
    key = ERROR_KEYS.get(status, "error_500")
    return render(
        request, "error.html", {"status": status, "title_key": key, "detail": message}, status
    )
