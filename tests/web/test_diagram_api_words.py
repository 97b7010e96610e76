"""`GET /api/definitions/{id}/diagram` answers in the request's language; ids stay codes."""

from __future__ import annotations

from tests.web.conftest import World

EN = {"Accept-Language": "en-GB,en;q=0.9"}


def test_the_diagram_is_in_the_request_language(world: World) -> None:
    h = world.h("admin")
    (version,) = world.client.get("/api/definitions", headers=h).json()
    url = f"/api/definitions/{version['id']}/diagram?current=qualification"
    zh = world.client.get(url, headers=h).text
    en = world.client.get(url, headers={**h, **EN}).text
    assert "    qualification --> joint_review: 通过（条件：符合资格条件）" in zh
    assert "    qualification --> joint_review: pass [eligibility rules]" in en
    assert "note right of withdrawn: 任一未结束状态均可撤回" in zh
    assert "note right of withdrawn: withdraw is allowed from every open state" in en
    assert "class qualification current" in zh and "class qualification current" in en
    assert world.client.get(url + "&lang=en", headers=h).text == en
