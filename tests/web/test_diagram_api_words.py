"""`GET /api/definitions/{id}/diagram` answers in the request's language; ids stay codes."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from tests.web.conftest import PASSWORD, World

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


# Other formats: DOT text always, SVG when Graphviz's dot is there (503 when it is not).
def _with_dot(world: World, dot_path: str) -> None:
    wired = world.app.state.wiring
    settings = wired.settings.model_copy(update={"dot_path": dot_path})
    world.app.state.wiring = dataclasses.replace(wired, settings=settings)


def _version_id(world: World) -> int:
    (version,) = world.client.get("/api/definitions", headers=world.h("admin")).json()
    return int(version["id"])


def test_the_diagram_as_dot_and_as_svg(world: World) -> None:
    url = f"/api/definitions/{_version_id(world)}/diagram?current=joint_review"
    dot = world.client.get(url + "&format=dot", headers=world.h("team"))
    assert dot.status_code == 200 and dot.headers["content-type"].startswith("text/vnd.graphviz")
    assert 'subgraph "cluster_joint_review" {' in dot.text and 'label="否决"' in dot.text
    if shutil.which("dot") is None:
        pytest.skip("graphviz is not installed")
    svg = world.client.get(url + "&format=svg", headers={**world.h("team"), **EN})
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert "<svg" in svg.text and ">veto<" in svg.text


def test_the_diagram_formats_refuse_what_they_must(world: World, tmp_path: Path) -> None:
    url = f"/api/definitions/{_version_id(world)}/diagram"
    assert world.client.get(url + "?format=png", headers=world.h("admin")).status_code == 422
    assert world.client.get(url + "?format=svg").status_code == 401
    missing = "/api/definitions/999999/diagram?format=svg"
    assert world.client.get(missing, headers=world.h("admin")).status_code == 404
    _with_dot(world, str(tmp_path / "no-such-dot"))
    answer = world.client.get(url + "?format=svg", headers=world.h("admin"))
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "diagram_unavailable"
    assert "绘图程序" in answer.json()["error"]["message"]
    assert world.client.get(url + "?format=dot", headers=world.h("admin")).status_code == 200


def _page_login(world: World, username: str) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', world.client.get("/login").text)
    assert token
    data = {"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
    assert world.client.post("/login", data=data, follow_redirects=False).status_code == 303


def test_the_nomination_page_draws_the_diagram_or_lists_the_states(
    world: World, tmp_path: Path
) -> None:
    _page_login(world, "admin")
    page = f"/nominations/{world.n['joint_nc']}"
    if shutil.which("dot") is not None:
        html = world.client.get(page).text
        assert 'class="workflow-diagram"' in html and 'id="state-joint_review"' in html
        assert 'id="dept-joint_review-police"' in html
        assert "本机未安装流程图绘图程序" not in html
    _with_dot(world, str(tmp_path / "no-such-dot"))
    for path in (page, f"/admin/definitions/{_version_id(world)}"):
        answer = world.client.get(path)
        assert answer.status_code == 200, path
        assert (
            "本机未安装流程图绘图程序" in answer.text
            and "<svg" not in answer.text.split('id="workflow-diagram"', 1)[1].split("</div>", 1)[0]
        )
        assert 'data-state="joint_review"' in answer.text
    current = re.search(r'<li data-state="(\w+)" aria-current="step"', world.client.get(page).text)
    assert current and current.group(1) == "joint_review"
