"""Logging in for the API: a bearer token for a username and password; who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from web.api.schemas import UserOut, user_out
from web.client_address import client_address
from web.deps import CurrentUser, Now, Uow
from workflow.services import rate_limits, users

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
    """The client's address: the socket's peer, or behind a trusted proxy the forwarded one."""
    return client_address(request)


@router.post("/auth/token", response_model=TokenOut)
def token(body: TokenRequest, request: Request, uow: Uow, now: Now) -> TokenOut:
    """Exchange a username and password for a bearer token (shown once); rate-limited."""
    limiter, address = request.app.state.limiter, client_ip(request)
    user = rate_limits.login(uow, limiter, body.username, body.password, address, now)
    plain = users.issue_token(uow, user.id, body.name, now)
    return TokenOut(token=plain, user=user_out(user))


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser) -> UserOut:
    """The user behind the token."""
    return user_out(user)
