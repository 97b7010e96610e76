"""The API's own errors in the request's language: validation (422), auth, HTTP statuses.

`code` and `field` never change with the language; `message` names the field by its label
and the problem with its figures, in `?lang=` or `Accept-Language` (default Chinese).
"""

from __future__ import annotations

from typing import Any

from tests.latin import latin_words
from tests.web.conftest import World, error
from tests.web.test_api_nominations import body

EN = {"Accept-Language": "en-GB,en;q=0.9"}


def _create(world: World, data: dict[str, Any], **headers: str) -> Any:
    return world.client.post("/api/nominations", json=data, headers={**world.h("admin"), **headers})


def test_validation_names_the_field_by_its_label_with_the_figures(world: World) -> None:
    long_name = body()
    long_name["nominee"]["name"] = "张" * 300  # type: ignore[index]
    zh = error(_create(world, long_name))
    en = error(_create(world, long_name, **EN))
    assert zh["code"] == en["code"] == "invalid"
    assert zh["field"] == en["field"] == "body.nominee.name"
    assert zh["message"].startswith("姓名：最多")
    assert "个字符" in zh["message"] and not latin_words(zh["message"])
    assert en["message"].startswith("name: must have at most")


def test_each_problem_type_is_a_catalogue_entry(world: World) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        (body(alternate_order=0, rank="alternate"), "后备顺序：不能小于1"),
        (body(alternate_order="x", rank="alternate"), "后备顺序：应为整数"),
        (body(rank="reserve"), "应为"),
        (body(alternate_order=2), "后备人选须填写后备顺序，正式人选不填"),
    ]
    bad_category = body()
    bad_category["nominee"]["category"] = "astronaut"  # type: ignore[index]
    cases.append((bad_category, "应为一线职工"))
    for data, expected in cases:
        answer = _create(world, data)
        assert answer.status_code == 422, answer.text
        assert expected in error(answer)["message"], error(answer)
        assert "value" not in error(answer)["message"].lower()


def test_the_web_layers_own_errors_follow_the_language(world: World) -> None:
    anonymous = world.client.get("/api/nominations")
    assert anonymous.status_code == 401
    assert error(anonymous)["message"] == "请先登录，或在请求中携带访问令牌"
    english = world.client.get("/api/nominations?lang=en")
    assert error(english)["message"] == "log in: send 'Authorization: Bearer <token>'"
    bad = world.client.get("/api/nominations", headers={"Authorization": "Bearer nope"})
    assert error(bad)["code"] == "not_authenticated"
    assert error(bad)["message"] == "访问令牌无效、已过期，或其用户已停用"
    missing = world.client.get("/api/no-such-thing", headers=world.h("admin"))
    assert missing.status_code == 404
    assert error(missing) == {
        "code": "not_found", "message": "未找到该页面或对象", "field": None, "allowed": None
    }  # fmt: skip
