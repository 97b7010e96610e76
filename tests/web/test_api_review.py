"""The review queue and objections through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from models import AuditEvent, Objection
from models.uow import UnitOfWork
from tests.web.conftest import World, error
from tests.web.hardening import proof


def test_queue_lists_my_department_with_overdue_flag(world: World) -> None:
    page = world.client.get("/api/tasks", headers=world.h("police")).json()
    assert page["total"] == 2
    assert {t["department"] for t in page["items"]} == {"police"}
    assert not any(t["overdue"] for t in page["items"])  # due ten working days after T0
    world.app.state.clock.now += timedelta(days=3)
    later = world.client.get("/api/tasks", headers=world.h("police")).json()
    assert all(t["overdue"] for t in later["items"])
    org = world.client.get("/api/tasks", headers=world.h("organisation")).json()
    assert [t["nominee"] for t in org["items"]] == ["联审丁"]
    assert world.client.get("/api/tasks", headers=world.h("clerk_nc")).json()["total"] == 0
    assert world.client.get("/api/tasks").status_code == 401
    bad = world.client.get("/api/tasks?limit=9999", headers=world.h("police"))
    assert bad.status_code == 422 and error(bad)["field"] == "query.limit"


def test_claim_release_complete(world: World) -> None:
    task = world.task_of("joint_gz_official", "organisation")
    h = world.h("organisation")
    claimed = world.client.post(f"/api/tasks/{task}/claim", headers=h)
    assert claimed.status_code == 200 and claimed.json()["status"] == "claimed"
    mine = world.client.get("/api/tasks?mine=true", headers=h).json()
    assert [t["id"] for t in mine["items"]] == [task]
    again = world.client.post(f"/api/tasks/{task}/claim", headers=h)
    assert again.status_code == 409 and error(again)["code"] == "invalid_state"
    released = world.client.post(f"/api/tasks/{task}/release", headers=h)
    assert released.status_code == 200 and released.json()["assignee"] is None
    assert world.client.post(f"/api/tasks/{task}/release", headers=h).status_code == 409
    bad = world.client.post(f"/api/tasks/{task}/complete", json={"outcome": "maybe"}, headers=h)
    assert bad.status_code == 422 and error(bad)["field"] == "body.outcome"
    wrong = world.client.post(
        f"/api/tasks/{task}/complete", json={"outcome": "pass", "opinion": "同意"}, headers=h
    )
    assert wrong.status_code == 409  # 'pass' does not fit a joint-review task
    done = world.client.post(
        f"/api/tasks/{task}/complete", json={"outcome": "clear", "opinion": "无问题"}, headers=h
    )
    assert done.status_code == 200, done.text
    assert done.json()["task"]["status"] == "done" and done.json()["transition"] is None


def test_only_the_assignee_or_an_admin_releases(world: World) -> None:
    task = world.task_of("joint_gz_official", "police")
    assert (
        world.client.post(f"/api/tasks/{task}/claim", headers=world.h("police")).status_code == 200
    )
    other = world.client.post(f"/api/tasks/{task}/release", headers=world.h("police_nc"))
    assert other.status_code == 403
    assert (
        world.client.post(f"/api/tasks/{task}/release", headers=world.h("admin")).status_code == 200
    )
    with UnitOfWork(world.sf) as uow:
        released = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.trigger == "release_task")
        ).one()
    assert released.payload["task_id"] == task


def test_reviewer_of_the_nominees_unit_is_recused_and_audited(world: World) -> None:
    task = world.task_of("joint_nc", "police")
    h = world.h("police_nc")
    listed = world.client.get("/api/tasks", headers=h).json()["items"]
    mine = next(t for t in listed if t["id"] == task)
    assert mine["recused"] is True and mine["nominee"] is None
    assert world.client.get(f"/api/tasks/{task}", headers=h).status_code == 403
    assert world.client.get(f"/api/nominations/{world.n['joint_nc']}", headers=h).status_code == 403
    claim = world.client.post(f"/api/tasks/{task}/claim", headers=h)
    assert claim.status_code == 403 and error(claim)["code"] == "recused"
    with UnitOfWork(world.sf) as uow:
        kinds = list(
            uow.session.scalars(
                select(AuditEvent.trigger).where(
                    AuditEvent.nomination_id == world.n["joint_nc"],
                    AuditEvent.trigger.like("recusal%"),
                )
            )
        )
    assert sorted(kinds) == ["recusal", "recusal:view", "recusal:view_task"]


def test_missing_and_invisible_tasks_are_404(world: World) -> None:
    task = world.task_of("joint_nc", "police")
    for url in (f"/api/tasks/{task}", f"/api/tasks/{task}/claim", "/api/tasks/99999"):
        method = world.client.post if url.endswith("claim") else world.client.get
        assert method(url, headers=world.h("organisation")).status_code == 404


OBJECTION = {"reporter_name": "李四", "contact": "13900001111", "content": "材料不实"}


def test_public_notice_and_objection_need_no_login(world: World) -> None:
    notice = world.client.get("/api/notice/jx2026")
    assert notice.status_code == 200
    entries = notice.json()["entries"]
    assert [e["name"] for e in entries] == ["公示戊"]
    assert "phone" not in notice.text and "id_number" not in notice.text
    raised = world.client.post(
        "/api/notice/jx2026/objections",
        json={**OBJECTION, "nomination_id": world.n["notice_nc"], **proof(world.client)},
    )
    assert raised.status_code == 201, raised.text
    not_under_notice = world.client.post(
        "/api/notice/jx2026/objections",
        json={**OBJECTION, "nomination_id": world.n["draft_nc"], **proof(world.client)},
    )
    assert not_under_notice.status_code == 404
    anonymous = world.client.post(
        "/api/notice/jx2026/objections",
        json={"content": "x", "nomination_id": world.n["notice_nc"], "reporter_name": "  "},
    )
    assert anonymous.status_code == 422
    assert error(anonymous)["field"] in {"body.reporter_name", "body.contact"}
    assert world.client.get("/api/notice/none").status_code == 404


def test_public_objections_are_rate_limited(world: World) -> None:
    payload = {**OBJECTION, "nomination_id": world.n["notice_nc"]}
    codes = [
        world.client.post(
            "/api/notice/jx2026/objections", json={**payload, **proof(world.client)}
        ).status_code
        for _ in range(11)
    ]
    assert codes == [201] * 5 + [429] * 6  # the nominee's hourly limit, then the address's


def _raise(world: World) -> int:
    payload = {**OBJECTION, "nomination_id": world.n["notice_nc"], **proof(world.client)}
    return int(world.client.post("/api/notice/jx2026/objections", json=payload).json()["id"])


def test_objection_list_masks_the_reporter_for_the_unit(world: World) -> None:
    _raise(world)
    url = f"/api/nominations/{world.n['notice_nc']}/objections"
    team = world.client.get(url, headers=world.h("team")).json()
    assert team[0]["reporter_name"] == "李四" and team[0]["contact"] == "13900001111"
    unit = world.client.get(url, headers=world.h("clerk_nc")).json()
    assert unit[0]["reporter_name"] == "李**" and unit[0]["contact"] == "139****1111"
    assert world.client.get(url, headers=world.h("clerk_gz")).status_code == 404
    assert world.client.get(url).status_code == 401


def _post(world: World, path: str, body: dict[str, object], who: str) -> Any:
    return world.client.post(path, json=body, headers=world.h(who))


def test_the_unit_answers_and_the_team_decides(world: World) -> None:
    first, second = _raise(world), _raise(world)
    answer, dismiss = {"findings": "经核查不属实"}, {"outcome": "dismissed", "reason": "报告清楚"}
    # The team never answers for the unit; another unit does not see it; the unit never decides.
    assert _post(world, f"/api/objections/{first}/answer", answer, "team").status_code == 403
    assert _post(world, f"/api/objections/{first}/answer", answer, "clerk_gz").status_code == 404
    assert _post(world, f"/api/objections/{first}/decision", dismiss, "clerk_nc").status_code == 403
    # Nothing to decide before the unit has answered.
    early = _post(world, f"/api/objections/{first}/decision", dismiss, "team")
    assert early.status_code == 409
    assert "只能对推荐单位已核查答复的异议作出决定" in error(early)["message"]
    answered = _post(world, f"/api/objections/{first}/answer", answer, "clerk_nc")
    assert answered.status_code == 200
    assert (answered.json()["status"], answered.json()["answer"]) == ("answered", "经核查不属实")
    assert _post(world, f"/api/objections/{first}/answer", answer, "clerk_nc").status_code == 409
    decided = _post(world, f"/api/objections/{first}/decision", dismiss, "team")
    assert decided.status_code == 200
    body = decided.json()
    assert (body["status"], body["decision_reason"]) == ("dismissed", "报告清楚")
    assert _post(world, f"/api/objections/{first}/decision", dismiss, "team").status_code == 409
    blank = _post(world, f"/api/objections/{second}/answer", {"findings": " "}, "clerk_nc")
    assert blank.status_code == 422 and error(blank)["field"] == "body.findings"
    # The answer's former shape (an upheld flag and `finding`) is still read: only the text.
    former = {"upheld": True, "finding": "属实"}
    old = _post(world, f"/api/objections/{second}/answer", former, "clerk_nc")
    assert old.status_code == 200 and old.json()["status"] == "answered"
    uphold = {"outcome": "upheld", "reason": "经核查属实"}
    assert _post(world, f"/api/objections/{second}/decision", uphold, "team").status_code == 200
    with UnitOfWork(world.sf) as uow:
        assert uow.session.get(Objection, second) is not None
    status = world.client.get(
        f"/api/nominations/{world.n['notice_nc']}", headers=world.h("admin")
    ).json()["status"]
    assert status == "removed"
