"""A small served world for the hardening tests: the app over a fresh database, a few accounts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from models.uow import UnitOfWork
from tests.conftest import ADMIN, JIANGXI
from tests.integration import flow
from tests.web.conftest import PASSWORD, make_app
from workflow.services import definitions, users

ACCOUNTS = {
    "admin": {"role": "admin"},
    "team": {"role": "team_reviewer", "department": "working_team"},
}


@dataclass
class Small:
    """The app, a client and a token per account."""

    sf: sessionmaker[Session]
    app: FastAPI
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    def h(self, who: str) -> dict[str, str]:
        """Authorization headers of an account."""
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def add_accounts(sf: sessionmaker[Session], names: dict[str, dict[str, str]]) -> dict[str, str]:
    """Create the accounts (password PASSWORD) and return a token for each."""
    tokens = {}
    for username, spec in names.items():
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
        with UnitOfWork(sf) as uow:
            tokens[username] = users.issue_token(uow, user.id, "tests", flow.T0)
    return tokens


def small_world(sf: sessionmaker[Session]) -> Iterator[Small]:
    """The app over `sf` with the accounts of ACCOUNTS."""
    app = make_app(sf)
    with UnitOfWork(sf) as uow:  # the working team must be a department a definition declares
        definitions.load_definition(uow, JIANGXI, flow.T0)
    tokens = add_accounts(sf, ACCOUNTS)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Small(sf, app, client, tokens)


def page_login(app: FastAPI, who: str) -> tuple[TestClient, str]:
    """A client logged in to the pages, and its CSRF token."""
    client = TestClient(app, raise_server_exceptions=False)
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    data = {"username": who, "password": PASSWORD, "csrf_token": token.group(1)}
    landed = client.post("/login", data=data, follow_redirects=False)
    assert landed.status_code == 303, landed.text
    page = client.get("/admin/definitions").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    return client, csrf.group(1)


def proof(client: TestClient, code: str = "jx2026") -> dict[str, str]:
    """A fresh challenge of the notice and its answer, worked out as a client would."""
    got = client.get(f"/api/notice/{code}/challenge")
    assert got.status_code == 200, got.text
    first, second = map(int, re.findall(r"\d+", got.json()["question"]))
    return {"challenge": got.json()["challenge"], "answer": str(first + second)}


def form_proof(html: str) -> dict[str, str]:
    """The challenge the notice page's form carries, answered."""
    token = re.search(r'name="challenge" value="([^"]+)"', html)
    sum_ = re.search(r"(\d+) (?:加|plus) (\d+)", html)
    assert token and sum_, "the form carries no question"
    return {"challenge": token.group(1), "answer": str(int(sum_.group(1)) + int(sum_.group(2)))}
