"""The web app over the per-test databases, a seeded campaign, and users of every role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config import wiring
from models import ReviewTask
from models.uow import UnitOfWork
from tests.conftest import ADMIN, make_campaign
from tests.integration import flow
from web.app import create_app
from workflow.services import users

# After the committee nominee's notice has closed; tokens (90 days) are still live.
NOW = flow.AFTER_NOTICE + timedelta(hours=1)
PASSWORD = "correct horse battery"
PEOPLE: dict[str, dict[str, Any]] = {
    "admin": {"role": "admin"},
    "team": {"role": "team_reviewer", "department": "working_team"},
    "police": {"role": "department_reviewer", "department": "police"},
    "organisation": {"role": "department_reviewer", "department": "organisation"},
    # A police reviewer who belongs to unit nc: recused from nc's nominees.
    "police_nc": {"role": "department_reviewer", "department": "police", "unit_code": "nc"},
    "clerk_nc": {"role": "unit_clerk", "unit_code": "nc"},
    "clerk_gz": {"role": "unit_clerk", "unit_code": "gz"},
    "secretary": {"role": "committee_secretary", "department": "committee_office"},
}


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests hash many passwords: weak argon2 parameters keep them fast (verify reads them)."""
    monkeypatch.setattr(
        users, "_HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


class Clock:
    """The app's clock, moved by tests."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def make_app(sf: sessionmaker[Session], now: datetime = NOW) -> FastAPI:
    app = create_app(sf)
    app.state.clock = Clock(now)
    return app


@dataclass
class World:
    """A campaign with nominations at several stages, and a token per person."""

    sf: sessionmaker[Session]
    app: FastAPI
    client: TestClient
    campaign_id: int
    n: dict[str, int]
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)

    def h(self, who: str) -> dict[str, str]:
        """Authorization headers of a person."""
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def task_of(self, nomination: str, department: str) -> int:
        with UnitOfWork(self.sf) as uow:
            return int(
                uow.session.scalars(
                    select(ReviewTask.id).where(
                        ReviewTask.nomination_id == self.n[nomination],
                        ReviewTask.department == department,
                    )
                ).one()
            )


def seed_nominations(sf: sessionmaker[Session], campaign_id: int) -> dict[str, int]:
    """Nominations of units nc and gz at draft, qualification, joint review, notice, committee."""
    n = {
        "draft_nc": flow.add(
            sf, campaign_id, "nc", "草稿甲", id_number="360102198001011234", phone="13812345678"
        ),
        "qual_gz": flow.add(sf, campaign_id, "gz", "初审乙"),
        "joint_nc": flow.add(sf, campaign_id, "nc", "联审丙"),
        "joint_gz_official": flow.add(
            sf,
            campaign_id,
            "gz",
            "联审丁",
            category="official",
            employer="赣州市人社局",
            employer_type="government",
            ownership="public",
        ),
        "notice_nc": flow.add(sf, campaign_id, "nc", "公示戊"),
        "committee_gz": flow.add(sf, campaign_id, "gz", "审定己"),
    }
    flow.fire(sf, n["qual_gz"], "submit")
    flow.fire(sf, n["qual_gz"], "begin_review")
    flow.to_joint_review(sf, n["joint_nc"])
    flow.to_joint_review(sf, n["joint_gz_official"])
    flow.to_notice(sf, n["notice_nc"])
    flow.to_committee(sf, n["committee_gz"])
    return n


def seed_people(sf: sessionmaker[Session], world: World) -> None:
    for username, spec in PEOPLE.items():
        with UnitOfWork(sf) as uow:
            user = users.create_user(
                uow,
                username=username,
                display_name=f"用户{username}",
                password=PASSWORD,
                actor=ADMIN,
                now=flow.T0,
                **spec,
            )
            world.user_ids[username] = user.id
        with UnitOfWork(sf) as uow:
            world.tokens[username] = users.issue_token(uow, user.id, "tests", flow.T0)


def build_world(sf: sessionmaker[Session], app: FastAPI | None = None) -> Iterator[World]:
    """Seed the database and serve it with the app (a new one unless given)."""
    campaign_id = make_campaign(sf)
    n = seed_nominations(sf, campaign_id)
    if app is None:
        app = make_app(sf)
    else:
        app.state.wiring, app.state.clock = wiring.over(sf), Clock(NOW)
    with TestClient(app, raise_server_exceptions=False) as client:
        world = World(sf, app, client, campaign_id, n)
        seed_people(sf, world)
        yield world


@pytest.fixture
def world(sqlite_sf: sessionmaker[Session]) -> Iterator[World]:
    """The seeded world on SQLite."""
    yield from build_world(sqlite_sf)


@pytest.fixture
def world_both(sf: sessionmaker[Session]) -> Iterator[World]:
    """The seeded world on SQLite and on PostgreSQL."""
    yield from build_world(sf)


def error(response: Any) -> dict[str, Any]:
    """The error object of an API answer."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "field", "allowed"}, body
    return dict(body["error"])
