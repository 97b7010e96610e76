"""A person of department or unit A can neither see nor change B's data through any endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from models import AuditEvent, AuditHead, Nomination, Objection, ReviewTask
from models.uow import UnitOfWork
from tests.web.conftest import World
from tests.web.hardening import proof


@pytest.fixture
def matrix(world_both: World) -> Iterator[World]:
    """The world on both databases, with an objection to nc's nominee under notice."""
    world = world_both
    answer = world.client.post(
        "/api/notice/jx2026/objections",
        json={
            "nomination_id": world.n["notice_nc"],
            "reporter_name": "李四",
            "contact": "13900001111",
            "content": "材料不实",
            **proof(world.client),
        },
    )
    assert answer.status_code == 201, answer.text
    yield world


def snapshot(world: World) -> tuple[Any, ...]:
    """Everything an action could change."""
    with UnitOfWork(world.sf) as uow:
        s = uow.session
        return (
            s.scalar(select(func.sum(AuditHead.seq))),  # the events appended, in every lane
            sorted(s.execute(select(Nomination.id, Nomination.status, Nomination.version)).all()),
            sorted(s.execute(select(ReviewTask.id, ReviewTask.status, ReviewTask.assignee)).all()),
            sorted(s.execute(select(Objection.id, Objection.status)).all()),
        )


def objection_id(world: World) -> int:
    with UnitOfWork(world.sf) as uow:
        return int(uow.session.scalars(select(Objection.id)).one())


TEAM_OBJECTION = {
    "source": "phone",
    "content": "反映问题",
    "received_on": "2026-03-03",
    "reporter_name": "李四",
    "contact": "13900001111",
}
# (attacker, method, path template, body): each names data of another department or unit.
# {n:KEY} is a nomination id, {t:KEY:DEPT} a task id, {o} the objection's id.
CASES: list[tuple[str, str, str, dict[str, Any] | None]] = [
    # Department A (organisation) against department B's (police) nomination and task.
    ("organisation", "GET", "/api/nominations/{n:joint_nc}", None),
    ("organisation", "POST", "/api/nominations/{n:joint_nc}/actions", {"trigger": "veto"}),
    ("organisation", "POST", "/api/nominations/{n:joint_nc}/conflicts", {"reason": "x"}),
    ("organisation", "GET", "/api/nominations/{n:joint_nc}/objections", None),
    ("organisation", "GET", "/api/audit?nomination={n:joint_nc}", None),
    ("organisation", "GET", "/api/tasks/{t:joint_nc:police}", None),
    ("organisation", "POST", "/api/tasks/{t:joint_nc:police}/claim", None),
    ("organisation", "POST", "/api/tasks/{t:joint_nc:police}/release", None),
    (
        "organisation",
        "POST",
        "/api/tasks/{t:joint_nc:police}/complete",
        {"outcome": "object", "opinion": "有问题"},
    ),
    ("organisation", "POST", "/api/objections/{o}/decision", {"outcome": "upheld", "reason": "x"}),
    ("organisation", "POST", "/api/objections/{o}/answer", {"findings": "x"}),
    # Department B (police) against department A's (organisation) task.
    ("police", "GET", "/api/tasks/{t:joint_gz_official:organisation}", None),
    ("police", "POST", "/api/tasks/{t:joint_gz_official:organisation}/claim", None),
    (
        "police",
        "POST",
        "/api/tasks/{t:joint_gz_official:organisation}/complete",
        {"outcome": "object", "opinion": "有问题"},
    ),
    # Unit A (nc) against unit B's (gz) nominations and tasks.
    ("clerk_nc", "GET", "/api/nominations/{n:qual_gz}", None),
    ("clerk_nc", "GET", "/api/nominations/{n:committee_gz}", None),
    ("clerk_nc", "POST", "/api/nominations/{n:qual_gz}/actions", {"trigger": "withdraw"}),
    ("clerk_nc", "POST", "/api/nominations/{n:qual_gz}/conflicts", {"reason": "x"}),
    ("clerk_nc", "GET", "/api/nominations/{n:joint_gz_official}/objections", None),
    ("clerk_nc", "GET", "/api/audit?nomination={n:qual_gz}", None),
    ("clerk_nc", "GET", "/api/tasks/{t:joint_gz_official:police}", None),
    (
        "clerk_nc",
        "POST",
        "/api/tasks/{t:joint_gz_official:police}/complete",
        {"outcome": "object", "opinion": "x"},
    ),
    # Unit B (gz) against unit A's nomination under notice and its objection.
    ("clerk_gz", "GET", "/api/nominations/{n:notice_nc}", None),
    ("clerk_gz", "POST", "/api/nominations/{n:draft_nc}/actions", {"trigger": "submit"}),
    ("clerk_gz", "GET", "/api/nominations/{n:notice_nc}/objections", None),
    ("clerk_gz", "POST", "/api/objections/{o}/answer", {"findings": "属实"}),
    ("clerk_gz", "POST", "/api/objections/{o}/decision", {"outcome": "upheld", "reason": "属实"}),
    ("clerk_gz", "POST", "/api/nominations/{n:notice_nc}/objections", TEAM_OBJECTION),
]


def resolve_path(world: World, template: str) -> str:
    path = template.replace("{o}", str(objection_id(world)))
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        kind, *args = path[start + 1 : end].split(":")
        value = world.n[args[0]] if kind == "n" else world.task_of(args[0], args[1])
        path = path[:start] + str(value) + path[end + 1 :]
    return path


@pytest.mark.parametrize(
    ("who", "method", "template", "body"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES]
)
def test_other_departments_and_units_data_is_not_found(
    matrix: World, who: str, method: str, template: str, body: dict[str, Any] | None
) -> None:
    before = snapshot(matrix)
    answer = matrix.client.request(
        method, resolve_path(matrix, template), json=body, headers=matrix.h(who)
    )
    assert answer.status_code == 404, answer.text
    after = snapshot(matrix)
    assert after[1:] == before[1:]
    if method == "GET":  # a refused read of a row that exists is audited once, in the service
        assert after[0] == before[0] + 1
        event = last_event(matrix)
        assert event.trigger.startswith("denied_read:"), event.trigger
        assert event.actor_username == who
    else:
        assert after[0] == before[0]


def last_event(world: World) -> AuditEvent:
    with UnitOfWork(world.sf) as uow:
        event = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        uow.session.expunge(event)
        return event


MISSING = 987654321
MISSING_READS = [
    f"/api/nominations/{MISSING}",
    f"/api/nominations/{MISSING}/objections",
    f"/api/audit?nomination={MISSING}",
    f"/api/tasks/{MISSING}",
]


@pytest.mark.parametrize("who", ["organisation", "clerk_nc", "admin"])
def test_a_read_of_an_id_no_row_has_writes_nothing(matrix: World, who: str) -> None:
    for path in MISSING_READS:
        before = snapshot(matrix)
        answer = matrix.client.get(path, headers=matrix.h(who))
        assert answer.status_code == 404, (path, answer.text)
        assert snapshot(matrix) == before, path


def test_a_hidden_row_and_a_missing_one_answer_alike(matrix: World) -> None:
    """The 404 of a row one may not see says nothing a missing id would not."""
    hidden = matrix.n["joint_nc"]
    for template in ("/api/nominations/{}", "/api/nominations/{}/objections"):
        seen = matrix.client.get(template.format(hidden), headers=matrix.h("organisation"))
        missing = matrix.client.get(template.format(MISSING), headers=matrix.h("organisation"))
        assert seen.status_code == missing.status_code == 404
        shown = seen.json()["error"]
        assert shown == {**missing.json()["error"], "message": shown["message"]}
        assert shown["message"] == missing.json()["error"]["message"].replace(
            str(MISSING), str(hidden)
        )


def test_lists_hold_only_what_one_may_see(matrix: World) -> None:
    get, n = matrix.client.get, matrix.n

    def ids(url: str, who: str) -> set[int]:
        body = get(url, headers=matrix.h(who)).json()
        return {row["id"] for row in body["items"]}

    assert ids("/api/nominations", "organisation") == {n["joint_gz_official"]}
    assert ids("/api/nominations", "clerk_nc") == {n["draft_nc"], n["joint_nc"], n["notice_nc"]}
    assert ids("/api/nominations", "secretary") == {n["committee_gz"]}
    assert ids("/api/nominations?unit=gz", "clerk_nc") == set()
    team = ids("/api/nominations", "team")
    assert n["draft_nc"] not in team and n["qual_gz"] in team
    org_tasks = get("/api/tasks", headers=matrix.h("organisation")).json()["items"]
    assert {t["department"] for t in org_tasks} == {"organisation"}
    events = get("/api/audit?limit=1000", headers=matrix.h("clerk_nc")).json()["items"]
    nc = {n["draft_nc"], n["joint_nc"], n["notice_nc"]}
    assert events and {e["nomination_id"] for e in events} <= nc
    quota = get("/api/campaigns/jx2026/quota", headers=matrix.h("clerk_nc")).json()["rows"]
    assert {r["unit_code"] for r in quota} == {"nc"}
    report = get(
        "/api/campaigns/jx2026/composition?scope=unit&unit=gz", headers=matrix.h("clerk_nc")
    )
    assert report.status_code == 403
    for who in ("organisation", "police", "clerk_nc"):
        assert get("/api/outbox", headers=matrix.h(who)).status_code == 403
        assert get("/api/users", headers=matrix.h(who)).status_code == 403
