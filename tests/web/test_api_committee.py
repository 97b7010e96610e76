"""The committee's decision through the API: the live preview, every refusal, the decision and
the final list afterwards."""

from __future__ import annotations

from typing import Any

from tests.integration import flow
from tests.web.conftest import World, error

DECISION = "/api/campaigns/jx2026/decision"
FINAL = "/api/campaigns/jx2026/final-list"
BALANCED = flow.BALANCED
COVERAGE = flow.COVERAGE
COUNTED = {"heads_per_unit", *COVERAGE}  # the rules that count (not shares of a base)


def _second_at_committee(world: World) -> int:
    """A second nominee before the committee (unit nc), who meets the coverage rules."""
    nominee = flow.add(world.sf, world.campaign_id, "nc", "审定庚", **BALANCED)
    flow.to_committee(world.sf, nominee)
    return nominee


def _post(world: World, who: str, body: dict[str, Any], **headers: str) -> Any:
    return world.client.post(DECISION, json=body, headers={**world.h(who), **headers})


def test_the_preview_shows_the_list_and_the_composition_live(world: World) -> None:
    man = world.n["committee_gz"]
    woman = _second_at_committee(world)
    village = flow.add_village_worker(world.sf, world.campaign_id)
    answer = world.client.get(DECISION, headers=world.h("secretary"))
    assert answer.status_code == 200
    body = answer.json()
    assert [r["id"] for r in body["awaiting"]] == [man, woman, village]
    first = body["awaiting"][0]
    assert (first["name"], first["unit_name"], first["rank"]) == ("审定己", "赣州市总工会", "main")
    assert body["approved"] == [man, woman, village] and body["not_approved"] == []
    assert body["decidable"] is True and body["needs_override"] is False
    women = next(r for r in body["composition"] if r["code"] == "women_min")
    assert women["ok"] and women["figures"]["count"] == 1 and women["figures"]["base_count"] == 3
    assert (women["status"], women["reason"]) == ("met", None)
    assert "女性占比" in women["message"]
    assert women["figures"]["bound_words"].startswith("不低于")
    # Nobody from 机关事业单位: the county officials' share of them is not evaluated, and it
    # does not need an override.
    assert body["not_evaluated"] == ["gov_county_max"] and body["missed"] == []
    county = next(r for r in body["composition"] if r["code"] == "gov_county_max")
    assert (county["status"], county["reason"], county["ok"]) == (
        "not_evaluated", "empty_base", False,
    )  # fmt: skip
    assert "未评估：基数" in county["message"]

    # Without the woman the list misses six rules: the preview says so, figures and all.
    excepted = world.client.get(
        f"{DECISION}?except={woman}", headers={**world.h("admin"), "Accept-Language": "en"}
    ).json()
    assert excepted["approved"] == [man, village] and excepted["not_approved"] == [woman]
    assert excepted["needs_override"] is True
    # The village worker still covers 村(社区)工作者.
    assert set(excepted["missed"]) == {"women_min", *COVERAGE} - {"community_coverage"}
    missed = next(r for r in excepted["composition"] if r["code"] == "women_min")
    assert missed["figures"]["people_short"] == 1 and "below" in missed["message"]
    assert (missed["status"], missed["reason"]) == ("missed", None)

    # Approving nobody: every share is of an empty list, not evaluated; coverage is missed.
    nobody = world.client.get(
        f"{DECISION}?except={man},{woman},{village}", headers=world.h("admin")
    )
    shares = [r for r in nobody.json()["composition"] if r["code"] not in COUNTED]
    assert shares and {(r["status"], r["reason"]) for r in shares} == {
        ("not_evaluated", "empty_list")
    }
    assert set(nobody.json()["missed"]) == COVERAGE
    assert flow.status(world.sf, woman).status == "committee"  # a preview changes nothing


def test_the_preview_refuses_who_may_not_decide_and_what_is_not_before_it(world: World) -> None:
    for who in ("team", "police", "clerk_gz"):
        refused = world.client.get(DECISION, headers=world.h(who))
        assert refused.status_code == 403, who
        assert error(refused)["code"] == "permission_denied"
    assert world.client.get(DECISION).status_code == 401
    unknown = world.client.get("/api/campaigns/nope/decision", headers=world.h("secretary"))
    assert unknown.status_code == 404
    bad = world.client.get(f"{DECISION}?except=1,x", headers=world.h("secretary"))
    assert bad.status_code == 422 and error(bad)["field"] == "query.except"
    draft = world.n["draft_nc"]
    elsewhere = world.client.get(f"{DECISION}?except={draft}", headers=world.h("secretary"))
    assert elsewhere.status_code == 422 and str(draft) in error(elsewhere)["message"]


def test_every_refusal_of_the_decision_changes_nothing(world: World) -> None:
    man = world.n["committee_gz"]
    woman = _second_at_committee(world)
    base = {"confirm": True}
    assert _post(world, "team", base).status_code == 403
    assert _post(world, "clerk_nc", base).status_code == 403
    assert (
        world.client.post(
            "/api/campaigns/nope/decision", json=base, headers=world.h("secretary")
        ).status_code
        == 404
    )
    draft = world.n["draft_nc"]
    not_before = _post(world, "secretary", {**base, "exceptions": {str(draft): "不符合条件"}})
    assert not_before.status_code == 422 and str(draft) in error(not_before)["message"]
    blank = _post(world, "secretary", {**base, "exceptions": {str(man): "  "}})
    assert blank.status_code == 422 and error(blank)["code"] == "invalid_decision"
    assert str(man) in error(blank)["message"]
    failing = _post(world, "secretary", {**base, "exceptions": {str(woman): "考察发现问题"}})
    assert failing.status_code == 422 and error(failing)["code"] == "guard_failed"
    assert "女性占比" in error(failing)["message"]
    for confirm in ({}, {"confirm": False}):
        unconfirmed = _post(world, "secretary", confirm)
        assert unconfirmed.status_code == 422 and error(unconfirmed)["field"] == "body.confirm"
    changed = _post(world, "secretary", {**base, "awaiting": [man]})
    assert changed.status_code == 409 and error(changed)["code"] == "concurrent_change"
    assert {flow.status(world.sf, n).status for n in (man, woman)} == {"committee"}
    early = world.client.get(FINAL, headers=world.h("secretary"))
    assert early.status_code == 409  # no final list before the decision


def test_the_decision_with_an_override_and_the_final_list(world: World) -> None:
    man = world.n["committee_gz"]
    woman = _second_at_committee(world)
    body = {
        "exceptions": {str(woman): "考察发现群众反映问题"},
        "override_reason": "经研究同意本届名单",
        "confirm": True,
        "awaiting": [man, woman],
    }
    done = _post(world, "secretary", body)
    assert done.status_code == 200, done.json()
    assert done.json() == {
        "awarded": [man],
        "not_approved": [woman],
        "override": "经研究同意本届名单",
    }
    assert flow.status(world.sf, woman).end_reason == "考察发现群众反映问题"
    again = _post(world, "secretary", body)
    assert again.status_code == 409 and error(again)["code"] == "invalid_state"

    for who in ("secretary", "team", "admin"):
        final = world.client.get(FINAL, headers=world.h(who))
        assert final.status_code == 200, who
    listed = final.json()
    assert listed["count"] == 1 and listed["override"] == "经研究同意本届名单"
    assert listed["decided_at"] is not None
    [group] = listed["groups"]
    assert group["unit_name"] == "赣州市总工会"
    assert [h["name"] for h in group["honourees"]] == ["审定己"]
    for who in ("clerk_gz", "police"):
        assert world.client.get(FINAL, headers=world.h(who)).status_code == 403
    assert (
        world.client.get("/api/campaigns/nope/final-list", headers=world.h("team")).status_code
        == 404
    )
