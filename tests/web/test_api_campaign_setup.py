"""Campaign set-up through the API: create, phase moves with their checks, the quota table from a
file, composition rules read and amended — each with its refusals."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from tests.web.conftest import World, error

NEW = {
    "code": "jx2027",
    "title": "2027年评选",
    "definition": "jiangxi-labour-model",
    "reference_date": "2026-03-01",
    "submission_deadline": "2027-04-30T17:00:00",  # Beijing time
    "admin_email": "office@jx.example.org",
}


def _create(world: World, **changes: Any) -> Any:
    return world.client.post("/api/campaigns", json={**NEW, **changes}, headers=world.h("admin"))


def test_an_administrator_creates_a_campaign(world: World) -> None:
    made = _create(world)
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["phase"], body["definition"]) == ("launch", "jiangxi-labour-model@1")
    assert body["submission_deadline"].startswith("2027-04-30T09:00")  # stored in UTC
    assert body["honour"] == "江西省劳动模范（先进工作者）"
    assert _create(world).status_code == 409  # the code is taken


def test_creation_refusals_name_the_field(world: World) -> None:
    team = world.client.post("/api/campaigns", json=NEW, headers=world.h("team"))
    assert team.status_code == 403
    cases = {
        "definition": {"definition": "no-such"},
        "definition_version": {"definition_version": 7},
        "submission_deadline": {"submission_deadline": "2020-01-01T00:00:00+08:00"},
        "code": {"code": "有空格 的代码"},
        "admin_email": {"admin_email": "office"},
    }
    for field, change in cases.items():
        answer = _create(world, **change)
        assert answer.status_code == 422, (field, answer.text)
        assert error(answer)["field"] == f"body.{field}"
    early = _create(world, reference_date="2027-06-01")
    assert error(early)["field"] == "body.submission_deadline" and "早于" in error(early)["message"]
    missing = world.client.post("/api/campaigns", json={"code": "x"}, headers=world.h("admin"))
    assert missing.status_code == 422 and error(missing)["field"].startswith("body.")
    assert (
        world.client.get("/api/campaigns", headers=world.h("admin")).json()[0]["code"] == "jx2026"
    )


def test_the_phase_checks_are_read_before_the_move_and_a_refusal_names_the_phases(
    world: World,
) -> None:
    _create(world)
    h = world.h("admin")
    checks = world.client.get("/api/campaigns/jx2027/phase", headers=h).json()
    assert checks["phase"] == "launch"
    [move] = checks["moves"]
    assert move["to"] == "recommendation" and move["possible"] is False
    assert {c["code"]: c["ok"] for c in move["checks"]}["quota_table"] is False
    assert {g["code"]: g["ok"] for g in move["gates"]}["submit"] is True
    refused = world.client.post(
        "/api/campaigns/jx2027/phase", json={"to": "recommendation"}, headers=h
    )
    assert refused.status_code == 409 and error(refused)["allowed"] == ["recommendation"]
    assert "名额分配表" in error(refused)["message"]
    skip = world.client.post("/api/campaigns/jx2027/phase", json={"to": "closed"}, headers=h)
    assert skip.status_code == 409 and "部署启动" in error(skip)["message"]
    rows = [{"unit_code": "nc", "unit_name": "南昌市总工会", "places": 5}]
    assert world.client.put("/api/campaigns/jx2027/quota", json=rows, headers=h).status_code == 200
    moved = world.client.post(
        "/api/campaigns/jx2027/phase", json={"to": "recommendation"}, headers=h
    )
    assert moved.status_code == 200 and moved.json()["phase"] == "recommendation"
    team = world.client.post(
        "/api/campaigns/jx2027/phase", json={"to": "inspection_notice"}, headers=world.h("team")
    )
    assert team.status_code == 403
    assert world.client.get("/api/campaigns/nope/phase", headers=h).status_code == 404
    decided = world.client.post("/api/campaigns/jx2026/phase", json={"to": "decided"}, headers=h)
    assert decided.status_code == 409 and "须由审定决定推进" in error(decided)["message"]


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(world: World, name: str, data: bytes, who: str = "admin") -> Any:
    return world.client.post(
        "/api/campaigns/jx2027/quota/import", files={"file": (name, data)}, headers=world.h(who)
    )


def test_the_quota_table_is_loaded_from_a_file_all_rows_or_none(world: World) -> None:
    _create(world)
    header = ["单位代码", "单位名称", "名额", "类别", "是否单列", "单位类型", "邮箱"]
    good = _xlsx(
        [
            header,
            ["nc", "南昌市总工会", 4, None, "否", "市总工会", None],
            ["jj", "九江市总工会", 3, "一线职工", "是", "市总工会", "jj@example.org"],
        ]
    )
    loaded = _upload(world, "名额.xlsx", good)
    assert loaded.status_code == 200, loaded.text
    assert loaded.json()["total_places"] == 7
    bad = _xlsx(
        [
            header,
            ["nc", "南昌市总工会", "四", None, None, None, None],
            ["gz2", "赣州市总工会", 1, None, None, None, None],
        ]
    )
    refused = _upload(world, "名额.xlsx", bad)
    assert refused.status_code == 422
    message = error(refused)["message"]
    assert "名额.xlsx:2: 名额" in message
    assert (
        world.client.get("/api/campaigns/jx2027/quota", headers=world.h("admin")).json()[
            "total_places"
        ]
        == 7
    )  # untouched
    taken = _upload(world, "q.csv", "unit_code,unit_name,places\ngz2,赣州市总工会,1\n".encode())
    assert taken.status_code == 422 and "q.csv:2: 单位名称" in error(taken)["message"]
    assert _upload(world, "q.csv", b"x" * (2 * 1024 * 1024 + 1)).status_code == 413
    assert _upload(world, "q.csv", b"unit_code\n", who="team").status_code == 403
    assert _upload(world, "q.pdf", b"%PDF").status_code == 422


def test_put_quota_names_the_row_and_field_the_service_refused(world: World) -> None:
    h = world.h("admin")
    rows = [
        {"unit_code": "nc", "unit_name": "南昌市总工会", "places": 5},
        {"unit_code": "nc", "unit_name": "南昌市总工会", "places": 1},
    ]
    twice = world.client.put("/api/campaigns/jx2026/quota", json=rows, headers=h)
    assert twice.status_code == 422 and error(twice)["field"] == "body.1.unit_code"
    assert "与第0行的单位和类别重复" in error(twice)["message"]
    bad = [{"unit_code": "nc", "unit_name": "南昌市总工会", "places": 1, "category": "x"}]
    category = world.client.put("/api/campaigns/jx2026/quota", json=bad, headers=h)
    assert error(category)["field"] == "body.0.category"


def test_composition_rules_are_read_and_amended_with_a_reason(world: World) -> None:
    _create(world)
    h = world.h("admin")
    read = world.client.get("/api/campaigns/jx2027/composition-rules", headers=h).json()
    women = next(r for r in read["rules"] if r["rule"]["id"] == "women_min")
    assert women["words"] == "性别为女占全部人选的比例不低于20%"
    rules = [r["rule"] for r in read["rules"]]
    changed = [{**r, "min_share": 0.25} if r["id"] == "women_min" else r for r in rules]
    put = world.client.put(
        "/api/campaigns/jx2027/composition-rules",
        json={"rules": changed, "reason": "提高女性比例"},
        headers=h,
    )
    assert put.status_code == 200, put.text
    words = {r["rule"]["id"]: r["words"] for r in put.json()["rules"]}
    assert "不低于25%" in words["women_min"]
    english = world.client.get("/api/campaigns/jx2027/composition-rules?lang=en", headers=h)
    assert (
        "at least 25%"
        in {r["rule"]["id"]: r["words"] for r in english.json()["rules"]}["women_min"]
    )
    bad = [{**r, "max_share": 2} if r["id"] == "gov_max" else r for r in rules]
    invalid = world.client.put(
        "/api/campaigns/jx2027/composition-rules", json={"rules": bad, "reason": "改"}, headers=h
    )
    assert invalid.status_code == 422 and error(invalid)["field"] == "body.rules.1.max_share"
    assert "第2条规则（机关事业单位人员占比）的比例上限" in error(invalid)["message"]
    no_reason = world.client.put(
        "/api/campaigns/jx2027/composition-rules", json={"rules": changed}, headers=h
    )
    assert no_reason.status_code == 422
    team = world.client.get("/api/campaigns/jx2027/composition-rules", headers=world.h("team"))
    assert team.status_code == 403
    closed = world.client.put(
        "/api/campaigns/jx2026/composition-rules",
        json={"rules": changed, "reason": "改"},
        headers=h,
    )
    assert closed.status_code == 409 and "考察公示" in error(closed)["message"]
