"""Nominations through the API: create, import, list, detail, actions, masking, conflicts."""

from __future__ import annotations

from sqlalchemy import func, select

from models import AuditEvent, Nomination
from models.uow import UnitOfWork
from tests.conftest import ROOT
from tests.web.conftest import World, error

NOMINEE = {
    "name": "新人庚",
    "birth_date": "1985-06-01",
    "gender": "F",
    "employer": "南昌轨道交通",
    "category": "technician",
    "votes_for": 80,
    "votes_total": 100,
    "unit_notice_start": "2025-11-03",
    "unit_notice_end": "2025-11-10",
}


def body(unit: str = "nc", **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "campaign": "jx2026",
        "unit_code": unit,
        "summary": "事迹",
        "nominee": dict(NOMINEE),
    }
    data.update(changes)
    return data


def count_nominations(world: World) -> int:
    with UnitOfWork(world.sf) as uow:
        return int(uow.session.scalar(select(func.count(Nomination.id))) or 0)


def test_clerk_creates_a_draft_for_their_own_unit(world: World) -> None:
    answer = world.client.post("/api/nominations", json=body(), headers=world.h("clerk_nc"))
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "draft" and answer.json()["unit_code"] == "nc"


def test_create_refusals(world: World) -> None:
    before = count_nominations(world)
    other = world.client.post("/api/nominations", json=body("gz"), headers=world.h("clerk_nc"))
    assert other.status_code == 403
    reviewer = world.client.post("/api/nominations", json=body(), headers=world.h("police"))
    assert reviewer.status_code == 403
    assert world.client.post("/api/nominations", json=body()).status_code == 401
    bad = body()
    del bad["nominee"]["name"]  # type: ignore[attr-defined]
    invalid = world.client.post("/api/nominations", json=bad, headers=world.h("admin"))
    assert invalid.status_code == 422
    assert error(invalid)["field"] == "body.nominee.name"
    # The message names the field by its label, in the request's language; `field` the path.
    assert error(invalid)["message"] == "姓名：不能为空"
    unknown = world.client.post(
        "/api/nominations", json=body(campaign="nope"), headers=world.h("admin")
    )
    assert unknown.status_code == 404
    assert count_nominations(world) == before


def test_import_is_all_or_nothing(world: World) -> None:
    sample = ROOT / "tests" / "data" / "nominations_sample.csv"
    before = count_nominations(world)
    headers = world.h("admin")
    good = world.client.post(
        "/api/nominations/import",
        files={"file": ("表.csv", sample.read_bytes(), "text/csv")},
        data={"campaign": "jx2026"},
        headers=headers,
    )
    assert good.status_code == 201, good.text
    assert good.json()["count"] == count_nominations(world) - before > 0
    broken = sample.read_text(encoding="utf-8").replace(",M,", ",X,", 1)
    refused = world.client.post(
        "/api/nominations/import",
        files={"file": ("bad.csv", broken.encode(), "text/csv")},
        data={"campaign": "jx2026"},
        headers=headers,
    )
    assert refused.status_code == 422
    assert error(refused)["code"] == "import_failed"
    assert error(refused)["message"].startswith("导入被拒绝：共1处错误，未导入任何记录\n")
    assert "bad.csv:2: 性别: “X”不是可接受的值，应为男或女" in error(refused)["message"]
    english = world.client.post(
        "/api/nominations/import?lang=en",
        files={"file": ("bad.csv", broken.encode(), "text/csv")},
        data={"campaign": "jx2026"},
        headers=headers,
    )
    assert error(english)["code"] == "import_failed"
    assert "bad.csv:2: gender: 'X' is not one of: male or female" in error(english)["message"]
    assert good.json()["count"] == count_nominations(world) - before


def test_clerk_cannot_import_for_another_unit(world: World) -> None:
    sample = (ROOT / "tests" / "data" / "nominations_sample.csv").read_bytes()
    answer = world.client.post(
        "/api/nominations/import",
        files={"file": ("f.csv", sample, "text/csv")},
        data={"campaign": "jx2026"},
        headers=world.h("clerk_gz"),
    )
    assert answer.status_code == 422
    assert "你的账号只能导入本单位的推荐人选" in error(answer)["message"]


def test_list_filters_and_pages(world: World) -> None:
    get = world.client.get
    headers = world.h("admin")
    everything = get("/api/nominations", headers=headers).json()
    assert everything["total"] == 6
    page = get("/api/nominations?limit=2&offset=2", headers=headers).json()
    assert [i["id"] for i in page["items"]] == [i["id"] for i in everything["items"][2:4]]
    assert page["total"] == 6
    gz = get("/api/nominations?unit=gz&status=joint_review", headers=headers).json()
    assert [i["name"] for i in gz["items"]] == ["联审丁"]
    assert get("/api/nominations?category=official", headers=headers).json()["total"] == 1
    assert get("/api/nominations?q=公示", headers=headers).json()["items"][0]["name"] == "公示戊"
    assert get("/api/nominations?campaign=jx2026", headers=headers).json()["total"] == 6
    assert get("/api/nominations?campaign=zz", headers=headers).status_code == 404
    bad = get("/api/nominations?limit=0", headers=headers)
    assert bad.status_code == 422 and error(bad)["field"] == "query.limit"


def test_detail_has_rules_timeline_and_my_allowed_triggers(world: World) -> None:
    url = f"/api/nominations/{world.n['qual_gz']}"
    team = world.client.get(url, headers=world.h("team")).json()
    assert team["status"] == "qualification"
    assert {"pass", "fail", "return_material"} <= set(team["allowed_triggers"])
    assert "withdraw" not in team["allowed_triggers"]  # that is the unit's
    assert [e["trigger"] for e in team["timeline"]][:2] == ["create", "submit"]
    assert team["rules"] and all({"rule", "ok", "reason"} <= set(r) for r in team["rules"])
    clerk = world.client.get(url, headers=world.h("clerk_gz")).json()
    assert clerk["allowed_triggers"] == ["withdraw"]


def test_personal_data_is_masked_for_other_viewers(world: World) -> None:
    url = f"/api/nominations/{world.n['draft_nc']}"
    for who in ("admin", "clerk_nc"):
        facts = world.client.get(url, headers=world.h(who)).json()["facts"]
        assert facts["id_number"] == "360102198001011234" and facts["phone"] == "13812345678"
    url = f"/api/nominations/{world.n['joint_nc']}"
    with UnitOfWork(world.sf) as uow:
        row = uow.session.get(Nomination, world.n["joint_nc"])
        assert row is not None
        row.facts = {**row.facts, "id_number": "360102198001011234", "phone": "13812345678"}
        uow.commit()
    police = world.client.get(url, headers=world.h("police")).json()
    assert police["masked"] is True
    # Police checks need the identity number (`sees_id_number`); the phone stays masked.
    assert police["facts"]["id_number"] == "360102198001011234"
    assert police["facts"]["phone"] == "138****5678"
    assert police["birth_date"] == "1980-**-**"
    team = world.client.get(url, headers=world.h("team")).json()
    assert team["facts"]["phone"] == "13812345678" and team["masked"] is False


def test_action_success_and_every_refusal(world: World) -> None:
    nid = world.n["qual_gz"]
    url = f"/api/nominations/{nid}/actions"
    version = world.client.get(f"/api/nominations/{nid}", headers=world.h("team")).json()["version"]
    stale = world.client.post(
        url, json={"trigger": "pass", "expected_version": version - 1}, headers=world.h("team")
    )
    assert stale.status_code == 409 and error(stale)["code"] == "concurrent_change"
    wrong = world.client.post(url, json={"trigger": "close_notice"}, headers=world.h("team"))
    assert wrong.status_code == 409
    assert error(wrong)["code"] == "transition_not_allowed"
    assert error(wrong)["allowed"] == ["fail", "pass", "return_material", "withdraw"]
    # The message is in the caller's language; code and allowed stay codes.
    assert error(wrong)["message"].endswith(
        "下不能执行“公示结束”；可执行：不通过、通过、退回补充材料、撤回"
    )
    english = world.client.post(
        url + "?lang=en", json={"trigger": "close_notice"}, headers=world.h("team")
    )
    assert error(english)["code"] == "transition_not_allowed"
    assert error(english)["allowed"] == error(wrong)["allowed"]
    assert error(english)["message"].startswith(
        "trigger 'close the notice' is not allowed in state"
    )
    assert error(english)["message"].endswith("allowed: fail, pass, return for material, withdraw")
    denied = world.client.post(url, json={"trigger": "pass"}, headers=world.h("clerk_gz"))
    assert denied.status_code == 403 and error(denied)["code"] == "permission_denied"
    hidden = world.client.post(url, json={"trigger": "pass"}, headers=world.h("clerk_nc"))
    assert hidden.status_code == 404
    missing = world.client.post(url, json={"reason": "x"}, headers=world.h("team"))
    assert missing.status_code == 422 and error(missing)["field"] == "body.trigger"
    assert world.client.post(url, json={"trigger": "pass"}).status_code == 401
    done = world.client.post(
        url,
        json={"trigger": "pass", "expected_version": version, "reason": "合格"},
        headers=world.h("team"),
    )
    assert done.status_code == 200, done.text
    assert done.json()["from_state"] == "qualification"
    assert done.json()["to_state"] == "joint_review"


def test_guard_failure_is_422_with_rule_and_figures(world: World) -> None:
    created = world.client.post(
        "/api/nominations",
        json=body(nominee={**NOMINEE, "votes_for": 10, "votes_total": 100}),
        headers=world.h("clerk_nc"),
    ).json()
    answer = world.client.post(
        f"/api/nominations/{created['id']}/actions",
        json={"trigger": "submit"},
        headers=world.h("clerk_nc"),
    )
    assert answer.status_code == 422, answer.text
    assert error(answer)["code"] == "guard_failed"
    message = error(answer)["message"]
    assert message.startswith("“报送”未通过：民主推荐：") and "（100票中10票赞成）" in message
    english = world.client.post(
        f"/api/nominations/{created['id']}/actions",
        json={"trigger": "submit"},
        headers={**world.h("clerk_nc"), "Accept-Language": "en-GB,en;q=0.9"},
    )
    assert error(english)["code"] == "guard_failed"
    assert error(english)["message"].startswith("'submit' refused: democratic recommendation: ")
    assert "(10 of 100 votes) is below the required" in error(english)["message"]


def test_declared_conflict_recuses_with_an_audited_refusal(world: World) -> None:
    nid = world.n["joint_gz_official"]
    task = world.task_of("joint_gz_official", "police")
    url = f"/api/nominations/{nid}/conflicts"
    assert world.client.post(url, json={"reason": ""}, headers=world.h("police")).status_code == 422
    assert (
        world.client.post(url, json={"reason": "配偶"}, headers=world.h("police")).status_code
        == 204
    )
    assert world.client.get(f"/api/tasks/{task}", headers=world.h("police")).status_code == 403
    claim = world.client.post(f"/api/tasks/{task}/claim", headers=world.h("police"))
    assert claim.status_code == 403 and error(claim)["code"] == "recused"
    done = world.client.post(
        f"/api/tasks/{task}/complete",
        json={"outcome": "clear", "opinion": "无"},
        headers=world.h("police"),
    )
    assert done.status_code == 403
    with UnitOfWork(world.sf) as uow:
        triggers = list(
            uow.session.scalars(select(AuditEvent.trigger).where(AuditEvent.nomination_id == nid))
        )
    assert "declare_conflict" in triggers
    assert triggers.count("recusal") >= 2 and "recusal:view_task" in triggers
    # Another police reviewer without a conflict still may act.
    other = world.client.get(f"/api/tasks/{task}", headers=world.h("police_nc"))
    assert other.status_code == 200
    assert (
        world.client.post(url, json={"reason": "x"}, headers=world.h("clerk_nc")).status_code == 404
    )


def test_the_campaigns_own_codes_and_implications(world: World) -> None:
    own = body(nominee={**NOMINEE, "category": "gig_worker", "sector": "manufacturing",
                        "post": "emergency"})  # fmt: skip
    answer = world.client.post("/api/nominations", json=own, headers=world.h("clerk_nc"))
    assert answer.status_code == 201, answer.text
    with UnitOfWork(world.sf) as uow:
        facts = uow.session.get_one(Nomination, answer.json()["id"]).facts
    assert (facts["sector"], facts["post"]) == ("manufacturing", "emergency")
    assert facts["gig_worker"] is True  # the definition: a gig-worker category is a gig worker
    before = count_nominations(world)
    unknown = body(nominee={**NOMINEE, "post": "hazardous"})
    refused = world.client.post("/api/nominations", json=unknown, headers=world.h("clerk_nc"))
    assert refused.status_code == 422, refused.text
    assert error(refused)["field"] == "body.nominee.post"
    assert "急难险重岗位" in error(refused)["message"] and "hazardous" not in error(refused)["code"]
    assert count_nominations(world) == before
