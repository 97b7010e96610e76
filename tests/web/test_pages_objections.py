"""The objection pages' forms: CSRF on every multipart form (checked after the bounded read),
and the same refusals as the API."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from config.settings import Settings
from tests.attachment_files import FAKE_PDF, PDF
from tests.web.conftest import PASSWORD, World

PHONE = {
    "source": "phone",
    "content": "来电反映其事迹材料存在夸大",
    "received_on": "2026-03-03",
    "reporter_name": "李四",
    "contact": "13900001111",
}


@pytest.fixture
def office(world: World, tmp_path: Path) -> World:
    settings = Settings(attachments_dir=tmp_path / "files", attachment_max_bytes=64 * 1024)
    world.app.state.wiring = dataclasses.replace(world.app.state.wiring, settings=settings)
    return world


def _log_in(world: World, who: str) -> tuple[TestClient, str]:
    client = TestClient(world.app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    data = {"username": who, "password": PASSWORD, "csrf_token": token.group(1)}
    landed = client.post("/login", data=data, follow_redirects=False)
    assert landed.status_code == 303
    page = client.get(landed.headers["location"]).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    return client, csrf.group(1)


def _record(world: World) -> int:
    url = f"/api/nominations/{world.n['notice_nc']}/objections"
    return int(world.client.post(url, json=PHONE, headers=world.h("team")).json()["id"])


def test_the_team_records_on_its_page_and_the_forms_need_their_csrf_token(office: World) -> None:
    team, csrf = _log_in(office, "team")
    form = {**PHONE, "nomination_id": str(office.n["notice_nc"])}
    files = {"file": ("来电记录.pdf", PDF, "application/pdf")}
    forged = team.post("/office/objections", data=form, files=files, follow_redirects=False)
    assert forged.status_code == 403
    refused = team.post(
        "/office/objections", data={**form, "csrf_token": csrf},
        files={"file": ("信.pdf", FAKE_PDF, "application/pdf")}, follow_redirects=False,
    )  # fmt: skip
    assert refused.status_code == 415 and "信.pdf" in refused.text
    done = team.post(
        "/office/objections", data={**form, "csrf_token": csrf}, files=files,
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303 and "/objections/" in done.headers["location"]
    shown = team.get(done.headers["location"]).text
    assert "来电记录.pdf" in shown and "李四" in shown
    clerk, _ = _log_in(office, "clerk_nc")
    assert clerk.get("/office/objections").status_code == 403


def test_the_unit_answers_and_the_team_decides_on_the_pages(office: World) -> None:
    objection = _record(office)
    team, team_csrf = _log_in(office, "team")
    clerk, clerk_csrf = _log_in(office, "clerk_nc")
    other, other_csrf = _log_in(office, "clerk_gz")
    answer = f"/objections/{objection}/answer"
    findings = {"findings": "经核查不实"}
    assert clerk.post(answer, data=findings, follow_redirects=False).status_code == 403
    assert team.post(answer, data={**findings, "csrf_token": team_csrf}).status_code == 403
    assert other.post(answer, data={**findings, "csrf_token": other_csrf}).status_code == 404
    decision = f"/objections/{objection}/decision"
    dismiss = {"outcome": "dismissed", "reason": "报告清楚"}
    early = team.post(decision, data={**dismiss, "csrf_token": team_csrf})
    assert early.status_code == 409 and "只能对推荐单位已核查答复的异议作出决定" in early.text
    sent = clerk.post(
        answer, data={**findings, "csrf_token": clerk_csrf},
        files={"file": ("核查报告.pdf", PDF, "application/pdf")}, follow_redirects=False,
    )  # fmt: skip
    assert sent.status_code == 303
    assert clerk.post(decision, data={**dismiss, "csrf_token": clerk_csrf}).status_code == 403
    decided = team.post(decision, data={**dismiss, "csrf_token": team_csrf}, follow_redirects=False)
    assert decided.status_code == 303
    page = clerk.get(f"/objections/{objection}").text
    assert "报告清楚" in page and "核查报告.pdf" in page and "13900001111" not in page
