"""One access matrix, run through the API, the pages and the CLI: all three must agree.

Each row is a person, a resource of a nomination and what the policy answers: `ok`, `404`
(not visible: it does not exist for them, and nothing names its unit or department) or
`403` (recused: refused, and exactly one audit event records it); a row one may not see is
404 like an id no row has, but the refused read is audited once (an id no row has writes
nothing). Masked fields are checked
the same way on every surface: identity numbers and phones for those who may not see
personal data, an objector's name and contact for all but administrators and the team.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from cli.main import cli
from config.settings import get_settings
from models import AuditEvent, Nomination
from models.uow import UnitOfWork
from tests.web.conftest import PASSWORD, PEOPLE, World
from workflow.errors import NotFound, Recused

SECRET_ID = "360102198001011234"
SECRET_PHONE = "13812345678"
MASKED_ID = "3601**********1234"
REPORTER, CONTACT = "李四", "13900001111"
UNIT_NAMES = {"nc": "南昌市总工会", "gz": "赣州市总工会"}
DEPARTMENT_NAMES = {"police": "公安"}


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


# (person, resource, nomination, department of the task, outcome)
MATRIX: list[tuple[str, str, str, str, str]] = [
    # A reviewer of the nominee's own unit is recused from everything about it.
    *[("police_nc", r, "joint_nc", "police", "403") for r in SURFACES],
    # A reviewer who declared a conflict is recused the same way.
    *[("police", r, "joint_gz_official", "police", "403") for r in SURFACES],
    # Another department's nomination and task do not exist for a reviewer.
    *[("organisation", r, "joint_nc", "police", "404") for r in SURFACES],
    # Another unit's nomination does not exist for a clerk; neither does any task.
    *[("clerk_gz", r, "notice_nc", "", "404") for r in ("detail", "timeline", "objections")],
    ("clerk_nc", "task", "joint_nc", "police", "404"),
    # What one may see.
    *[("police", r, "joint_nc", "police", "ok") for r in SURFACES],
    *[("clerk_nc", r, "notice_nc", "", "ok") for r in ("detail", "timeline", "objections")],
    *[("team", r, "notice_nc", "", "ok") for r in ("detail", "timeline", "objections")],
    *[("admin", r, "joint_nc", "police", "ok") for r in SURFACES],
]


@pytest.mark.parametrize(
    ("who", "resource", "nomination", "department", "expected"),
    MATRIX,
    ids=[f"{m[0]}-{m[1]}-{m[2]}-{m[4]}" for m in MATRIX],
)
def test_api_pages_and_cli_give_the_same_answer(
    access: World, who: str, resource: str, nomination: str, department: str, expected: str
) -> None:
    surfaces = Surfaces(access)
    for surface in ("api", "page", "cli"):
        before, denied, total = recusals(access), denials(access), events(access)
        answer = surfaces.one(surface, who, resource, nomination, department)
        assert answer.outcome == expected, (surface, answer.text[:500])
        # Exactly one audit event for each refused read (recused, or a row out of sight),
        # none for any other answer.
        assert recusals(access) - before == (1 if expected == "403" else 0), surface
        assert denials(access) - denied == (1 if expected == "404" else 0), surface
        assert events(access) - total == (0 if expected == "ok" else 1), surface
        if expected != "ok":
            # Refused or not found: nothing tells whose nomination or task it is.
            assert UNIT_NAMES[nomination.split("_")[1]] not in answer.text, surface
            if department and PEOPLE[who].get("department") != department:
                assert f"({department})" not in answer.text, surface
                assert DEPARTMENT_NAMES[department] not in answer.text, surface


@pytest.mark.parametrize(
    ("who", "full"), [("police", False), ("admin", True)], ids=["reviewer", "admin"]
)
def test_identity_number_and_phone_are_masked_alike(access: World, who: str, full: bool) -> None:
    answers = Surfaces(access).all(who, "detail", "joint_nc", "police")
    for surface, answer in answers.items():
        assert answer.outcome == "ok", surface
        assert (SECRET_ID in answer.text) is full, surface
        assert (SECRET_PHONE in answer.text) is full, surface
        if not full:
            assert MASKED_ID in answer.text, surface


@pytest.mark.parametrize(("who", "full"), [("clerk_nc", False), ("team", True), ("admin", True)])
def test_an_objector_is_shown_only_to_admins_and_the_team(
    access: World, who: str, full: bool
) -> None:
    surfaces = Surfaces(access)
    for resource in ("detail", "objections"):
        for surface, answer in surfaces.all(who, resource, "notice_nc", "").items():
            if surface == "api" and resource == "detail":
                continue  # the API's detail has no objections; its objections list does
            assert answer.outcome == "ok", (surface, resource)
            assert (REPORTER in answer.text) is full, (surface, resource)
            assert (CONTACT in answer.text) is full, (surface, resource)
            if not full:
                assert "李**" in answer.text, (surface, resource)


def test_a_recused_reviewer_gets_no_name_or_employer_from_any_list(access: World) -> None:
    surfaces = Surfaces(access)
    # police_nc belongs to nc, 联审丙's unit; police declared a conflict with 联审丁.
    hidden = {"police_nc": ("联审丙", "江铃汽车"), "police": ("联审丁", "赣州市人社局")}
    for who, (name, employer) in hidden.items():
        api = surfaces.api(who, "/api/nominations?limit=500")
        tasks = surfaces.api(who, "/api/tasks")
        audit = surfaces.api(who, "/api/audit?limit=1000")
        inbox = surfaces.page(who, "/inbox")
        listed = surfaces.cli(who, ["nominations", "list", "jx2026"])
        queue = surfaces.cli(who, ["queue", "list"])
        for answer in (api, tasks, audit, inbox, listed, queue):
            assert answer.outcome == "ok"
            assert name not in answer.text
        if who == "police":  # 江铃汽车 employs others police_nc may see
            assert employer not in api.text + inbox.text + listed.text + queue.text
        assert any(row["recused"] for row in tasks_json(tasks))


def tasks_json(answer: Answer) -> list[dict[str, Any]]:
    import json

    return list(json.loads(answer.text)["items"])


def test_the_cli_as_a_role_sees_no_more_than_the_account(access: World) -> None:
    """A CLI role without an account is held to the same visibility and recusal."""
    surfaces = Surfaces(access)
    nid = str(access.n["joint_nc"])
    for spec, expected in (
        ("department_reviewer:police@nc", Recused),
        ("department_reviewer:organisation", NotFound),
        ("unit_clerk@gz", NotFound),
    ):
        result = CliRunner().invoke(
            cli, ["--json", "nominations", "show", nid, "--as", spec], standalone_mode=False
        )
        assert isinstance(result.exception, expected), (spec, result.exception)
    assert surfaces.cli("admin", ["nominations", "show", nid]).outcome == "ok"


def test_an_id_no_row_can_have_is_not_found_everywhere(access: World) -> None:
    """A 64-bit overflow is just an id that does not exist, not a server error."""
    surfaces, huge = Surfaces(access), str(2**63)
    before = events(access)
    assert surfaces.api("admin", f"/api/nominations/{huge}").outcome == "404"
    assert surfaces.api("admin", f"/api/tasks/{huge}").outcome == "404"
    assert surfaces.page("admin", f"/nominations/{huge}").outcome == "404"
    assert surfaces.cli("admin", ["nominations", "show", huge]).outcome == "404"
    assert events(access) == before


@pytest.mark.parametrize("who", ["organisation", "clerk_gz", "admin"])
def test_a_read_of_an_id_no_row_has_writes_nothing_anywhere(access: World, who: str) -> None:
    """Only a row that exists is audited when it is out of sight: a missing id writes nothing."""
    surfaces, missing = Surfaces(access), "987654321"
    before = events(access)
    for resource in SURFACES:
        api, page, args = SURFACES[resource]
        values = {"n": missing, "t": missing}
        assert surfaces.api(who, api.format(**values)).outcome == "404", resource
        assert surfaces.page(who, page.format(**values)).outcome == "404", resource
        assert surfaces.cli(who, [a.format(**values) for a in args]).outcome == "404", resource
    assert events(access) == before
