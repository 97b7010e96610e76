"""The list's filter on GET /api/nominations and POST /api/nominations/bulk, with refusals."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration import flow
from tests.web.conftest import World, error
from workflow.queries import rule_filter

BULK = "/api/nominations/bulk"


def _in_qualification(world: World, count: int) -> list[int]:
    """More nominees of unit jt (2 places) in the qualification check."""
    ids = [flow.add(world.sf, world.campaign_id, "jt", f"交通{i}") for i in range(count)]
    for ident in ids:
        flow.fire(world.sf, ident, "submit")
        flow.fire(world.sf, ident, "begin_review")
    return ids


def _post(world: World, who: str | None, body: dict[str, Any]) -> Any:
    return world.client.post(BULK, json=body, headers=world.h(who) if who else {})


def test_the_team_bulk_passes_and_gets_a_result_per_item(world: World) -> None:
    extra = _in_qualification(world, 2)
    ids = [world.n["qual_gz"], *extra, world.n["draft_nc"]]
    answer = _post(world, "team", {"ids": ids, "trigger": "pass", "reason": "材料齐全"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["done"], body["refused"]) == (3, 1)
    assert [r["id"] for r in body["results"]] == ids
    assert {r["state"] for r in body["results"][:3]} == {"joint_review"}
    hidden = body["results"][3]
    assert hidden == {
        "id": world.n["draft_nc"], "ok": False, "code": "not_found",
        "message": hidden["message"], "state": None,
    }  # fmt: skip
    assert "南昌" not in hidden["message"] and "草稿甲" not in hidden["message"]
    again = _post(world, "team", {"ids": ids[:1], "trigger": "pass"}).json()["results"][0]
    assert again["code"] == "transition_not_allowed" and again["state"] == "joint_review"


def test_a_filter_selects_and_a_clerk_submits_only_its_own(world: World) -> None:
    body = {"filter": {"stage": "draft"}, "trigger": "submit"}
    answer = _post(world, "clerk_gz", body)
    assert answer.status_code == 422 and error(answer)["field"] == "body.filter"  # none of gz's
    done = _post(world, "clerk_nc", body).json()
    assert [(r["id"], r["ok"], r["state"]) for r in done["results"]] == [
        (world.n["draft_nc"], True, "submitted")
    ]


def test_bulk_refusals(world: World) -> None:
    ident = world.n["qual_gz"]
    assert _post(world, None, {"ids": [ident], "trigger": "pass"}).status_code == 401
    for who in ("police", "secretary", "clerk_nc"):
        denied = _post(world, who, {"ids": [ident], "trigger": "pass"})
        assert denied.status_code == 403 and error(denied)["code"] == "permission_denied", who
    cases = [
        ({"ids": [], "trigger": "pass"}, "body.ids"),
        ({"trigger": "pass"}, "body.ids"),
        ({"ids": [ident], "trigger": "veto"}, "body.trigger"),
        ({"ids": [ident], "trigger": "return_material"}, "body.reason"),
        ({"filter": {"stage": "no such"}, "trigger": "pass"}, "body.filter.stage"),
        ({"filter": {"flag": "rich"}, "trigger": "pass"}, "body.filter.flag"),
        ({"filter": {"owner": "x"}, "trigger": "pass"}, "body.filter.owner"),
        ({"ids": list(range(1, 502)), "trigger": "pass"}, "body.ids"),
    ]
    for body, field in cases:
        refused = _post(world, "team", body)
        assert refused.status_code == 422, (body, refused.text)
        assert error(refused)["field"] == field, body
    assert flow.status(world.sf, ident).status == "qualification"


def test_the_list_takes_the_shared_filter(world: World) -> None:
    get, h = world.client.get, world.h("admin")
    everything = get("/api/nominations", headers=h).json()
    assert everything["total"] == 6
    by_name = get("/api/nominations?sort=-name&size=2&page=2", headers=h).json()
    names = sorted((i["name"] for i in everything["items"]), reverse=True)
    assert [i["name"] for i in by_name["items"]] == names[2:4]
    assert (by_name["limit"], by_name["offset"]) == (2, 2)
    assert get("/api/nominations?q=赣州市人社&stage=joint_review", headers=h).json()["total"] == 1
    assert get("/api/nominations?flag=female", headers=h).json()["total"] == 0
    failing = get("/api/nominations?rule=prior_honour", headers=h).json()
    assert failing["total"] == 0
    for query, field in (
        ("sort=password", "query.sort"),
        ("flag=rich", "query.flag"),
        ("page=0", "query.page"),
        ("size=201", "query.size"),
        ("rule=nope", "query.rule"),
        ("category=king", "query.category"),
    ):
        bad = get(f"/api/nominations?{query}", headers=h)
        assert bad.status_code == 422 and error(bad)["field"] == field, query


def test_a_clerk_gets_no_other_units_rows_through_any_filter(world: World) -> None:
    get, h = world.client.get, world.h("clerk_nc")
    for query in ("unit=gz", "q=审定己", "sort=unit&size=200", "stage=committee", "flag=minority"):
        found = get(f"/api/nominations?{query}", headers=h).json()
        assert {i["unit_code"] for i in found["items"]} <= {"nc"}, query


def test_a_failing_rule_over_too_many_is_a_422_on_rule(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rule_filter, "RULE_SCAN_LIMIT", 1)
    bad = world.client.get("/api/nominations?rule=prior_honour", headers=world.h("admin"))
    assert bad.status_code == 422 and error(bad)["field"] == "query.rule"
