"""Server-rendered pages (registered on the app by `register_pages`)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from config import catalogue
from web.errors import http_detail, problem_message
from web.pages import (
    account,
    admin,
    admin_calendar,
    admin_deadlines,
    admin_definitions,
    auth,
    bulk,
    committee,
    documents,
    nominations,
    notice,
    objections,
    office,
    review,
    unit,
    unit_forms,
)
from web.pages.admin_campaigns import router as campaign_pages
from web.pages.render import error_page, language

STATIC = Path(__file__).resolve().parent.parent / "static"


def register_pages(app: FastAPI) -> None:
    """Mount the stylesheet and script, the page routes, and the friendly error page."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    pages = (
        auth,
        review,
        nominations,
        admin,
        admin_deadlines,
        admin_definitions,
        admin_calendar,
        unit,
        unit_forms,
        documents,  # before notice: /notice/<code>.pdf is not a code
        notice,
        committee,
        objections,
        office,
        bulk,
        account,
    )
    for module in pages:
        app.include_router(module.router, include_in_schema=False)
    app.include_router(campaign_pages, include_in_schema=False)
    # web.errors hands every error on a non-API path to this handler, or to the handler
    # registered here for the same class: FastAPI's own defaults for these two answer JSON.
    app.state.page_error_handler = error_page
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_form)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = http_detail(exc.status_code, exc.detail, language(request))
    return error_page(request, exc.status_code, detail)


async def _invalid_form(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # Each field by its label (the form's own name without `body.` where none), in the page's
    # language; all of them, as a form shows every problem at once.
    problems = [problem_message(e, skip=1) for e in exc.errors()]
    return error_page(request, 422, catalogue.join(problems, language(request), "semicolon"))
