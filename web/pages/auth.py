"""Logging in and out of the pages, and the landing page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from web import i18n
from web.client_address import client_address
from web.deps import SESSION_COOKIE, Now, Uow, csrf_check
from web.pages.context import MaybeViewer, anonymous_form, home_for, home_for_role
from web.pages.helpers import refusal
from web.pages.render import language, render
from web.security import cookie_secure
from workflow.errors import AuthenticationFailed, TooManyAttempts
from workflow.services import rate_limits, users

router = APIRouter()


def safe_next(target: str) -> str:
    """Only a path on this site (never //host or a scheme) may be the page to return to."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return ""


@router.get("/")
def home(viewer: MaybeViewer) -> Response:
    """The viewer's own page, or the public notice for everyone else."""
    return RedirectResponse(home_for(viewer) if viewer else "/notice", status_code=303)


@router.get("/login")
def login_form(request: Request, viewer: MaybeViewer, next: str = "") -> Response:
    """The login form (a double-submit CSRF cookie guards it)."""
    if viewer is not None:
        return RedirectResponse(safe_next(next) or home_for(viewer), status_code=303)
    return _login_page(request, next, "", None, 200)


def _login_page(
    request: Request, next: str, username: str, error: str | None, status: int
) -> Response:
    values = {"next": safe_next(next), "username": username, "error": error}
    return anonymous_form(
        request, lambda token: render(request, "login.html", {**values, "csrf": token}, status)
    )


@router.post("/login", dependencies=[Depends(csrf_check)])
def login(
    request: Request,
    uow: Uow,
    now: Now,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "",
) -> Response:
    """Check the password (rate-limited per name and address) and open a page session."""
    t = i18n.translator(language(request))
    try:
        limiter, address = request.app.state.limiter, client_address(request)
        user = rate_limits.login(uow, limiter, username, password, address, now)
    except TooManyAttempts as refused:  # says until when
        return _login_page(request, next, username, refusal(request, refused), 429)
    except AuthenticationFailed:
        return _login_page(request, next, username, t("login_failed"), 401)
    session_id, _csrf = users.open_session(uow, user.id, now)
    response = RedirectResponse(safe_next(next) or home_for_role(user.role), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        httponly=True,
        samesite="lax",
        path="/",
        secure=cookie_secure(request),
    )
    return response


@router.post("/logout", dependencies=[Depends(csrf_check)])
def logout(request: Request, uow: Uow) -> Response:
    """End the page session."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        users.close_session(uow, session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
