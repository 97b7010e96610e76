"""Logging in for the API: a bearer token for a username and password; who am I; my own
password and API tokens."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from web.api.schemas import UserOut, user_out
from web.client_address import client_address
from web.deps import SESSION_COOKIE, CurrentActor, CurrentUser, Now, Uow
from workflow.services import accounts, rate_limits, users

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


class PasswordChange(BaseModel):
    old_password: str = Field(min_length=1, max_length=1000)
    new_password: str = Field(min_length=1, max_length=1000)


class PasswordChanged(BaseModel):
    sessions_ended: int


class TokenInfo(BaseModel):
    id: int
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


@router.post("/me/password", response_model=PasswordChanged)
def change_password(
    body: PasswordChange, request: Request, actor: CurrentActor, uow: Uow, now: Now
) -> PasswordChanged:
    """Change my password (the old one checked); my other page sessions end."""
    keep = request.cookies.get(SESSION_COOKIE)
    passwords = (body.old_password, body.new_password)
    limiter, address = request.app.state.limiter, client_ip(request)
    ended = rate_limits.change_password(uow, limiter, actor, passwords, address, now, keep)
    return PasswordChanged(sessions_ended=ended.sessions)


@router.get("/me/tokens", response_model=list[TokenInfo])
def my_tokens(actor: CurrentActor, uow: Uow) -> list[TokenInfo]:
    """My API tokens, newest first (their names and times, never the tokens)."""
    assert actor.user_id is not None
    rows = accounts.own_tokens(uow, actor, actor.user_id)
    return [TokenInfo.model_validate(t, from_attributes=True) for t in rows]


@router.delete("/me/tokens/{token_id}", status_code=204)
def revoke_token(token_id: int, actor: CurrentActor, uow: Uow, now: Now) -> Response:
    """Revoke one of my API tokens; another's is 404."""
    accounts.revoke_token(uow, token_id, actor, now, own_only=True)
    return Response(status_code=204)
