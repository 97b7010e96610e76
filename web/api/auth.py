"""Logging in for the API: a bearer token for a username and password; who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from config.catalogue import msg
from web.api.schemas import UserOut, user_out
from web.deps import CurrentUser, Now, Uow
from web.errors import ApiError
from workflow.services import users

router = APIRouter(tags=["auth"])


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)
    name: str = Field(default="api", max_length=100, description="a label for the token")


class TokenOut(BaseModel):
    token: str
    token_type: str = "bearer"
    user: UserOut


def client_ip(request: Request) -> str:
    """The client's address as the server sees it."""
    return request.client.host if request.client else "unknown"


@router.post("/auth/token", response_model=TokenOut)
def token(body: TokenRequest, request: Request, uow: Uow, now: Now) -> TokenOut:
    """Exchange a username and password for a bearer token (shown once)."""
    key = f"{body.username.casefold()}|{client_ip(request)}"
    if not request.app.state.login_limiter.hit(key):
        raise ApiError(429, "too_many_requests", msg("error.web.too_many_logins"))
    user = users.authenticate(uow, body.username, body.password, now)
    plain = users.issue_token(uow, user.id, body.name, now)
    return TokenOut(token=plain, user=user_out(user))


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser) -> UserOut:
    """The user behind the token."""
    return user_out(user)
