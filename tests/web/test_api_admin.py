"""Campaigns, reports, quota, definitions, audit, outbox and users through the API."""

from __future__ import annotations

from sqlalchemy import select, update

from models import AuditEvent, OutboxMessage
from models.uow import UnitOfWork
from tests.conftest import JIANGXI
from tests.web.conftest import PASSWORD, World, error


def test_campaign_list_get_and_404(world: World) -> None:
    listed = world.client.get("/api/campaigns", headers=world.h("clerk_nc")).json()
    assert [c["code"] for c in listed] == ["jx2026"]
    one = world.client.get(f"/api/campaigns/{world.campaign_id}", headers=world.h("team"))
    assert one.json()["code"] == "jx2026" and one.json()["definition"] == "jiangxi-labour-model@1"
    assert world.client.get("/api/campaigns/nope", headers=world.h("team")).status_code == 404
    assert world.client.get("/api/campaigns").status_code == 401


def test_reports_for_those_who_run_the_campaign(world: World) -> None:
    funnel = world.client.get("/api/campaigns/jx2026/funnel", headers=world.h("team")).json()
    counts = {row["state"]: row["count"] for row in funnel}
    assert counts["joint_review"] == 2 and counts["committee"] == 1
    assert (
        world.client.get("/api/campaigns/jx2026/funnel", headers=world.h("police")).status_code
        == 403
    )
    final = world.client.get(
        "/api/campaigns/jx2026/composition?scope=final", headers=world.h("secretary")
    ).json()
    assert final["size"] == 1 and final["results"]
    assert {r["status"] for r in final["results"]} <= {"met", "missed", "not_evaluated"}
    # Nobody is in inspection: each share over the empty set is not evaluated, never met.
    empty = world.client.get(
        "/api/campaigns/jx2026/composition?scope=stage&stage=inspection", headers=world.h("admin")
    ).json()
    assert empty["size"] == 0 and empty["status"] == "missed"  # the coverage rules
    women = next(r for r in empty["results"] if r["rule_id"] == "women_min")
    # The bound as a code for machines, and in Chinese words beside it.
    assert (women["bound"], women["bound_words"]) == (">= 20.0%", "不低于20.0%")
    assert (women["status"], women["reason"], women["ok"]) == ("not_evaluated", "empty_list", False)
    bad = world.client.get("/api/campaigns/jx2026/composition?scope=all", headers=world.h("admin"))
    assert bad.status_code == 422 and error(bad)["field"] == "query.scope"
    own = world.client.get(
        "/api/campaigns/jx2026/composition?scope=unit", headers=world.h("clerk_nc")
    )
    assert own.status_code == 200 and own.json()["size"] == 2  # joint_nc and notice_nc
    other = world.client.get(
        "/api/campaigns/jx2026/composition?scope=unit&unit=gz", headers=world.h("clerk_nc")
    )
    assert other.status_code == 403
    stage = world.client.get(
        "/api/campaigns/jx2026/composition?scope=stage", headers=world.h("admin")
    )
    assert stage.status_code == 409  # a stage scope needs a stage


def test_quota_table_read_and_replace(world: World) -> None:
    table = world.client.get("/api/campaigns/jx2026/quota", headers=world.h("admin")).json()
    assert table["total_places"] == 8
    nc = world.client.get("/api/campaigns/jx2026/quota", headers=world.h("clerk_nc")).json()
    assert [r["unit_code"] for r in nc["rows"]] == ["nc"] and nc["rows"][0]["used"] == 2
    rows = [
        {"unit_code": "nc", "unit_name": "南昌市总工会", "places": 5},
        {"unit_code": "jj", "unit_name": "九江市总工会", "places": 4},
    ]
    put = world.client.put("/api/campaigns/jx2026/quota", json=rows, headers=world.h("admin"))
    assert put.status_code == 200 and put.json()["total_places"] == 9
    assert (
        world.client.put(
            "/api/campaigns/jx2026/quota", json=rows, headers=world.h("team")
        ).status_code
        == 403
    )
    twice = world.client.put(
        "/api/campaigns/jx2026/quota", json=rows + rows[:1], headers=world.h("admin")
    )
    assert twice.status_code == 422 and error(twice)["field"] == "body.2.unit_code"
    clash = [{"unit_code": "xx", "unit_name": "南昌市总工会", "places": 1}]
    taken = world.client.put("/api/campaigns/jx2026/quota", json=clash, headers=world.h("admin"))
    assert taken.status_code == 422 and error(taken)["field"] == "body.0.unit_name"
    negative = [{"unit_code": "nc", "unit_name": "南昌市总工会", "places": -1}]
    assert (
        world.client.put(
            "/api/campaigns/jx2026/quota", json=negative, headers=world.h("admin")
        ).json()["error"]["field"]
        == "body.0.places"
    )


def test_definitions_list_validate_publish_and_diagram(world: World) -> None:
    h = world.h("admin")
    versions = world.client.get("/api/definitions", headers=h).json()
    assert [v["key"] for v in versions] == ["jiangxi-labour-model@1"]
    text = JIANGXI.read_text(encoding="utf-8")
    ok = world.client.post(
        "/api/definitions/validate", content=text, headers={**h, "Content-Type": "text/plain"}
    ).json()
    assert ok["valid"] is True and "joint_review" in ok["states"]
    broken = text.replace("    kind: team_review\n", "    kind: team_review\n    colour: red\n", 1)
    bad = world.client.post(
        "/api/definitions/validate",
        files={"file": ("mine.yaml", broken.encode(), "application/yaml")},
        headers=h,
    ).json()
    assert bad["valid"] is False
    assert bad["errors"] == [{"path": "stages.0.colour", "message": "未知的键"}]
    same = world.client.post("/api/definitions", content=text, headers=h)
    assert same.status_code == 201 and same.json() == {
        "id": versions[0]["id"],
        "key": "jiangxi-labour-model@1",
        "created": False,
    }
    changed = text.replace("title: ", "title: 新", 1)
    new = world.client.post("/api/definitions", content=changed, headers=h)
    assert new.json()["key"] == "jiangxi-labour-model@2" and new.json()["created"] is True
    refused = world.client.post("/api/definitions", content=broken, headers=h)
    assert refused.status_code == 422 and "stages.0.colour: 未知的键" in error(refused)["message"]
    assert (
        world.client.post("/api/definitions", content=text, headers=world.h("team")).status_code
        == 403
    )
    diagram = world.client.get(
        f"/api/definitions/{versions[0]['id']}/diagram?current=qualification", headers=h
    )
    assert diagram.status_code == 200 and diagram.text.startswith("stateDiagram-v2")
    assert "class qualification current" in diagram.text
    assert world.client.get("/api/definitions/999/diagram", headers=h).status_code == 404


def test_audit_events_and_verify(world: World) -> None:
    admin = world.client.get("/api/audit?limit=1000", headers=world.h("admin")).json()
    assert admin["total"] == len(admin["items"]) > 20
    lanes: dict[int, list[int]] = {}  # oldest first: each lane's places in order
    for e in admin["items"]:
        lanes.setdefault(e["lane"], []).append(e["seq"])
    assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in lanes.values())
    clerk = world.client.get("/api/audit?limit=1000", headers=world.h("clerk_gz")).json()
    gz = {world.n["qual_gz"], world.n["joint_gz_official"], world.n["committee_gz"]}
    assert clerk["items"] and {e["nomination_id"] for e in clerk["items"]} == gz
    one = world.client.get(
        f"/api/audit?nomination={world.n['qual_gz']}", headers=world.h("clerk_gz")
    ).json()
    assert {e["nomination_id"] for e in one["items"]} == {world.n["qual_gz"]}
    assert (
        world.client.get(
            f"/api/audit?nomination={world.n['draft_nc']}", headers=world.h("clerk_gz")
        ).status_code
        == 404
    )
    verified = world.client.get("/api/audit/verify", headers=world.h("admin")).json()
    # The clerk's refused read of draft_nc's audit is itself audited, once.
    assert verified["ok"] is True and verified["events"] == admin["total"] + 1
    assert world.client.get("/api/audit/verify", headers=world.h("team")).status_code == 403
    with UnitOfWork(world.sf) as uow:
        lane = uow.session.scalars(select(AuditEvent.lane).order_by(AuditEvent.id)).first()
        third = update(AuditEvent).where(AuditEvent.lane == lane, AuditEvent.seq == 3)
        uow.session.execute(third.values(reason="改"))
        uow.commit()
    tampered = world.client.get("/api/audit/verify", headers=world.h("admin")).json()
    assert tampered["ok"] is False and tampered["first_bad_seq"] == 3
    assert tampered["first_bad_lane"] == lane and tampered["code"] == "chain.altered"


def test_outbox_list_and_retry(world: World) -> None:
    h = world.h("admin")
    messages = world.client.get("/api/outbox", headers=h).json()
    assert messages, "the seeded flow queues messages"
    failed_id = messages[0]["id"]
    with UnitOfWork(world.sf) as uow:
        uow.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == failed_id).values(status="failed")
        )
        uow.commit()
    failed = world.client.get("/api/outbox?status=failed", headers=h).json()
    assert [m["id"] for m in failed] == [failed_id]
    assert "context" not in failed[0]
    bad = world.client.get("/api/outbox?status=lost", headers=h)
    assert bad.status_code == 422 and error(bad)["field"] == "query.status"
    retried = world.client.post(f"/api/outbox/{failed_id}/retry", headers=h)
    assert retried.status_code == 200 and retried.json()["status"] == "pending"
    again = world.client.post(f"/api/outbox/{failed_id}/retry", headers=h)
    assert again.status_code == 409
    assert world.client.post("/api/outbox/99999/retry", headers=h).status_code == 404
    assert world.client.post("/api/outbox/retry-failed", headers=h).json() == {"retried": 0}
    assert world.client.get("/api/outbox", headers=world.h("team")).status_code == 403
    assert world.client.post("/api/outbox/retry-failed", headers=world.h("team")).status_code == 403


def test_users_list_and_create(world: World) -> None:
    h = world.h("admin")
    listed = world.client.get("/api/users", headers=h)
    assert len(listed.json()) == 8 and "password" not in listed.text
    assert world.client.get("/api/users", headers=world.h("team")).status_code == 403
    new = {
        "username": "tax1",
        "display_name": "税务审核",
        "password": PASSWORD,
        "role": "department_reviewer",
        "department": "tax",
    }
    created = world.client.post("/api/users", json=new, headers=h)
    assert created.status_code == 201 and created.json()["department"] == "tax"
    assert world.client.post("/api/users", json=new, headers=h).status_code == 409  # taken
    no_dept = world.client.post(
        "/api/users", json={**new, "username": "t2", "department": None}, headers=h
    )
    assert no_dept.status_code == 409 and "须指定部门" in error(no_dept)["message"]
    no_unit = world.client.post(
        "/api/users",
        json={**new, "username": "t3", "role": "unit_clerk", "unit_code": "zz"},
        headers=h,
    )
    assert "推荐单位“zz”不存在" in error(no_unit)["message"]
    short = world.client.post(
        "/api/users", json={**new, "username": "t4", "password": "short"}, headers=h
    )
    assert short.status_code == 422 and error(short)["field"] == "body.password"
    role = world.client.post(
        "/api/users", json={**new, "username": "t5", "role": "public"}, headers=h
    )
    assert role.status_code == 422 and error(role)["field"] == "body.role"
    assert world.client.post("/api/users", json=new, headers=world.h("team")).status_code == 403
    token = world.client.post(
        "/api/auth/token", json={"username": "tax1", "password": PASSWORD}
    ).json()["token"]
    me = world.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["role"] == "department_reviewer"


def test_unexpected_errors_are_500_with_the_json_shape(world: World) -> None:
    @world.app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret detail")

    answer = world.client.get("/api/boom")
    assert answer.status_code == 500
    assert error(answer)["code"] == "internal" and "secret" not in answer.text
    assert world.client.get("/healthz").json() == {"status": "ok"}
