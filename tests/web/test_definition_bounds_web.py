"""The definition endpoints and page refuse unbounded YAML with a clear answer, never a 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.unit.test_definition_bounds import alias_bomb
from tests.web.conftest import error
from tests.web.hardening import Small, page_login, small_world
from workflow.bounded_yaml import MAX_CHARS

TEXT = {"Content-Type": "text/plain"}


@pytest.fixture
def small(sqlite_sf: sessionmaker[Session]) -> Iterator[Small]:
    yield from small_world(sqlite_sf)


@pytest.mark.parametrize("path", ["/api/definitions/validate", "/api/definitions"])
def test_alias_bomb_is_refused_with_422_naming_the_alias(small: Small, path: str) -> None:
    answer = small.client.post(path, content=alias_bomb(), headers={**small.h("admin"), **TEXT})
    assert answer.status_code == 422, answer.text
    body = error(answer)
    assert body["code"] == "definition_error"
    assert "第1行使用了 YAML 锚点或别名" in body["message"]
    assert "lol" not in answer.text and len(answer.text) < 500


def test_deep_nesting_is_422_not_500(small: Small) -> None:
    h = {**small.h("team"), **TEXT, "Accept-Language": "en"}
    answer = small.client.post("/api/definitions/validate", content="[" * 5000, headers=h)
    assert answer.status_code == 422
    assert "nests deeper than 32 levels" in error(answer)["message"]


def test_oversize_definition_body_is_413(small: Small) -> None:
    big = "x: " + "y" * MAX_CHARS
    h = {**small.h("admin"), **TEXT}
    answer = small.client.post("/api/definitions/validate", content=big, headers=h)
    assert answer.status_code == 413 and error(answer)["code"] == "too_large"
    upload = small.client.post(
        "/api/definitions/validate", files={"file": ("big.yaml", big.encode())}, headers=h
    )
    assert upload.status_code == 413


def test_an_ordinary_invalid_definition_is_still_200_with_its_errors(small: Small) -> None:
    h = {**small.h("admin"), **TEXT}
    answer = small.client.post("/api/definitions/validate", content="name: x\n", headers=h)
    assert answer.status_code == 200 and answer.json()["valid"] is False


def test_the_definitions_page_refuses_the_bomb_and_deep_nesting(small: Small) -> None:
    client, csrf = page_login(small.app, "admin")
    for text, words in [(alias_bomb(), "锚点或别名"), ("[" * 5000, "嵌套超过32层")]:
        answer = client.post(
            "/admin/definitions/validate",
            data={"csrf_token": csrf},
            files={"file": ("bomb.yaml", text.encode())},
        )
        assert answer.status_code == 422 and words in answer.text
        published = client.post(
            "/admin/definitions/publish", data={"csrf_token": csrf, "source_text": text}
        )
        assert published.status_code == 422 and words in published.text
