"""Every person's own account page: change the password, list and revoke their API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from models.uow import UnitOfWork
from web.client_address import client_address
from web.deps import SESSION_COOKIE, Now, Uow, csrf_check
from web.pages.context import LoggedIn, Viewer
from web.pages.helpers import page_globals, refusal, say, status_for
from web.pages.render import render
from workflow.errors import HonorflowError
from workflow.services import accounts, rate_limits

router = APIRouter()


def _account_page(
    request: Request,
    uow: UnitOfWork,
    viewer: Viewer,
    *,
    error: str | None = None,
    message: str | None = None,
    status: int = 200,
    changed: bool = False,
) -> Response:
    assert viewer.actor.user_id is not None
    context = {
        "must_change": viewer.user.must_change_password and not changed,
        "tokens": accounts.own_tokens(uow, viewer.actor, viewer.actor.user_id),
        "error": error,
        "message": message,
        **page_globals(uow, viewer),
    }
    return render(request, "account.html", context, status)


@router.get("/account")
def account_page(request: Request, viewer: LoggedIn, uow: Uow) -> Response:
    """My account: the password form and my API tokens."""
    return _account_page(request, uow, viewer)


@router.post("/account/password", dependencies=[Depends(csrf_check)])
def change_password(
    request: Request,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    old_password: Annotated[str, Form(max_length=1000)],
    new_password: Annotated[str, Form(max_length=1000)],
    new_password_again: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Change my password; this session stays, every other one ends."""
    if new_password != new_password_again:
        error = say(request, "passwords_differ")
        return _account_page(request, uow, viewer, error=error, status=422)
    keep = request.cookies.get(SESSION_COOKIE)
    limiter, address = request.app.state.limiter, client_address(request)
    try:
        rate_limits.change_password(
            uow, limiter, viewer.actor, (old_password, new_password), address, now, keep
        )
    except HonorflowError as refused:
        error = refusal(request, refused)
        return _account_page(request, uow, viewer, error=error, status=status_for(refused))
    message = say(request, "password_changed")
    return _account_page(request, uow, viewer, message=message, changed=True)


@router.post("/account/tokens/{token_id}/revoke", dependencies=[Depends(csrf_check)])
def revoke_token(token_id: int, request: Request, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """Revoke one of my API tokens (another's is 404)."""
    accounts.revoke_token(uow, token_id, viewer.actor, now, own_only=True)
    return _account_page(request, uow, viewer, message=say(request, "token_revoked"))
