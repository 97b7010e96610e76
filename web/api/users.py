"""Accounts, for administrators: list, create, deactivate, activate, reset a password."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from web.api.schemas import UserOut, user_out
from web.deps import CurrentActor, Now, Uow
from workflow.clean_text import CleanText
from workflow.services import accounts, users

router = APIRouter(tags=["users"])
Role = Literal["admin", "team_reviewer", "department_reviewer", "unit_clerk", "committee_secretary"]


class UserIn(BaseModel):
    username: CleanText = Field(min_length=1, max_length=100, pattern=r"^[\w.@-]+$")
    display_name: CleanText = Field(min_length=1, max_length=100, pattern=r"\S")
    password: str = Field(min_length=users.MIN_PASSWORD, max_length=1000)
    role: Role
    department: CleanText | None = Field(default=None, max_length=40)
    unit_code: CleanText | None = Field(default=None, max_length=60)
    email: CleanText | None = Field(default=None, max_length=200)


@router.get("/users", response_model=list[UserOut])
def list_users(uow: Uow, actor: CurrentActor) -> list[UserOut]:
    """Every account, by username."""
    return [user_out(u) for u in users.list_users(uow, actor)]


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(body: UserIn, uow: Uow, actor: CurrentActor, now: Now) -> UserOut:
    """A new account (administrators)."""
    user = users.create_user(uow, **body.model_dump(), actor=actor, now=now)
    return user_out(user)


class ResetIn(BaseModel):
    password: str | None = Field(
        default=None, min_length=1, max_length=1000, description="none: generate one"
    )


class ResetOut(BaseModel):
    user: UserOut
    sessions_ended: int
    password: str | None = Field(description="the generated one-time password, shown once")


class ActiveOut(BaseModel):
    user: UserOut
    sessions_ended: int
    tokens_revoked: int


def _set_active(uow: Uow, user_id: int, active: bool, actor: CurrentActor, now: Now) -> ActiveOut:
    user, ended = accounts.set_active(uow, user_id, active, actor, now)
    return ActiveOut(
        user=user_out(user), sessions_ended=ended.sessions, tokens_revoked=ended.tokens
    )


@router.post("/users/{user_id}/deactivate", response_model=ActiveOut)
def deactivate(user_id: int, uow: Uow, actor: CurrentActor, now: Now) -> ActiveOut:
    """Deactivate an account: its sessions end and its tokens are revoked at once."""
    return _set_active(uow, user_id, False, actor, now)


@router.post("/users/{user_id}/activate", response_model=ActiveOut)
def activate(user_id: int, uow: Uow, actor: CurrentActor, now: Now) -> ActiveOut:
    """Let a deactivated account log in again."""
    return _set_active(uow, user_id, True, actor, now)


@router.post("/users/{user_id}/reset-password", response_model=ResetOut)
def reset_password(
    user_id: int, body: ResetIn, uow: Uow, actor: CurrentActor, now: Now
) -> ResetOut:
    """Set an account's password (or generate a one-time one); all its sessions end."""
    user, made, ended = accounts.reset_password(uow, user_id, body.password, actor, now)
    return ResetOut(user=user_out(user), sessions_ended=ended.sessions, password=made)
