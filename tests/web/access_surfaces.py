"""Shared by the access tests: the world with personal data, an objection and a conflict
(the `access` fixture), and the three surfaces (API, pages, CLI) asked the same question.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from cli.main import cli
from config.settings import get_settings
from models import AuditEvent, Nomination
from models.uow import UnitOfWork
from tests.web.conftest import PASSWORD, World
from tests.web.hardening import proof
from workflow.errors import NotFound, Recused

SECRET_ID = "360102198001011234"
SECRET_PHONE = "13812345678"
REPORTER, CONTACT = "李四", "13900001111"


@pytest.fixture
def access(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The world with personal data on nc's joint-review nominee, an objection to nc's nominee
    under notice, a police reviewer who declared a conflict with gz's official, and the CLI
    pointed at the same database."""
    with UnitOfWork(world.sf) as uow:
        row = uow.session.get_one(Nomination, world.n["joint_nc"])
        personal = {"id_number": SECRET_ID, "phone": SECRET_PHONE}
        facts = {**row.facts, **personal, "extra": {**row.facts.get("extra", {}), **personal}}
        uow.session.execute(update(Nomination).where(Nomination.id == row.id).values(facts=facts))
        uow.commit()
    objection = world.client.post(
        "/api/notice/jx2026/objections",
        json={
            "nomination_id": world.n["notice_nc"],
            "reporter_name": REPORTER,
            "contact": CONTACT,
            "content": "材料不实",
            **proof(world.client),
        },
    )
    assert objection.status_code == 201, objection.text
    conflict = world.client.post(
        f"/api/nominations/{world.n['joint_gz_official']}/conflicts",
        json={"reason": "与被推荐人系同学"},
        headers=world.h("police"),
    )
    assert conflict.status_code == 204, conflict.text
    engine = world.sf.kw["bind"]
    monkeypatch.setenv("HONORFLOW_DATABASE_URL", engine.url.render_as_string(False))
    get_settings.cache_clear()
    yield world
    get_settings.cache_clear()


@dataclass
class Answer:
    """What one surface answered: an outcome and the text the person was shown."""

    outcome: str  # ok, 404 or 403
    text: str


def recusals(world: World, kind: str = "recusal:") -> int:
    with UnitOfWork(world.sf) as uow:
        count = uow.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.trigger.like(f"{kind}%"))
        )
    return int(count or 0)


def denials(world: World) -> int:
    return recusals(world, "denied_read:")


def events(world: World) -> int:
    with UnitOfWork(world.sf) as uow:
        return int(uow.session.scalar(select(func.count(AuditEvent.id))) or 0)


def _outcome(status: int) -> str:
    return {200: "ok", 404: "404", 403: "403"}.get(status, str(status))


# The API path, the page path and the CLI arguments of each resource; {n} is the nomination,
# {t} the task of the given department on it.
SURFACES: dict[str, tuple[str, str, list[str]]] = {
    "detail": ("/api/nominations/{n}", "/nominations/{n}", ["nominations", "show", "{n}"]),
    "timeline": (
        "/api/audit?nomination={n}", "/nominations/{n}", ["audit", "list", "--nomination", "{n}"]
    ),
    "objections": (
        "/api/nominations/{n}/objections", "/nominations/{n}", ["objection", "list", "{n}"]
    ),
    "task": ("/api/tasks/{t}", "/tasks/{t}", ["queue", "show", "{t}"]),
}  # fmt: skip


class Surfaces:
    """The three entry points, each as one logged-in person."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.pages: dict[str, TestClient] = {}

    def api(self, who: str, path: str) -> Answer:
        answer = self.world.client.get(path, headers=self.world.h(who))
        return Answer(_outcome(answer.status_code), answer.text)

    def page(self, who: str, path: str) -> Answer:
        client = self.pages.get(who) or self._log_in(who)
        answer = client.get(path)
        return Answer(_outcome(answer.status_code), answer.text)

    def cli(self, who: str, args: list[str]) -> Answer:
        result = CliRunner().invoke(
            cli, ["--json", *args, "--as", f"user:{who}"], standalone_mode=False
        )
        if isinstance(result.exception, Recused):
            return Answer("403", str(result.exception))
        if isinstance(result.exception, NotFound):
            return Answer("404", str(result.exception))
        assert result.exception is None, result.exception
        return Answer("ok", result.output)

    def _log_in(self, who: str) -> TestClient:
        client = TestClient(self.world.app)
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token
        data = {"username": who, "password": PASSWORD, "csrf_token": token.group(1)}
        landed = client.post("/login", data=data, follow_redirects=False)
        assert landed.status_code == 303, landed.text
        self.pages[who] = client
        return client

    def one(
        self, surface: str, who: str, resource: str, nomination: str, department: str
    ) -> Answer:
        """The answer of one surface to one person asking for one resource."""
        api, page, args = SURFACES[resource]
        values = {"n": str(self.world.n[nomination])}
        if resource == "task":
            values["t"] = str(self.world.task_of(nomination, department))
        if surface == "api":
            return self.api(who, api.format(**values))
        if surface == "page":
            return self.page(who, page.format(**values))
        return self.cli(who, [a.format(**values) for a in args])

    def all(self, who: str, resource: str, nomination: str, department: str) -> dict[str, Answer]:
        """The answers of the API, the pages and the CLI."""
        return {
            s: self.one(s, who, resource, nomination, department) for s in ("api", "page", "cli")
        }
