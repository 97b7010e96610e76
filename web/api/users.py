"""Accounts, for administrators: list them, create one."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from web.api.schemas import UserOut, user_out
from web.deps import CurrentActor, Now, Uow
from workflow.clean_text import CleanText
from workflow.services import users

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
