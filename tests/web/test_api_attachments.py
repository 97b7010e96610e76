"""Attachments and the working team's objection work over the API, with every refusal."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings
from tests.attachment_files import FAKE_PDF, PDF, png
from tests.web.conftest import World, error

LIMIT = 64 * 1024
PHONE = {
    "source": "phone",
    "content": "来电反映其事迹材料存在夸大",
    "received_on": "2026-03-03",
    "reporter_name": "李四",
    "contact": "13900001111",
}


@pytest.fixture
def office(world: World, tmp_path: Path) -> World:
    """The world with its attachments kept under tmp_path and a 64 KiB limit."""
    settings = Settings(attachments_dir=tmp_path / "files", attachment_max_bytes=LIMIT)
    world.app.state.wiring = dataclasses.replace(world.app.state.wiring, settings=settings)
    return world


def _upload(world: World, path: str, who: str, name: str, content: bytes) -> Any:
    files = {"file": (name, content, "application/pdf")}
    return world.client.post(path, files=files, headers=world.h(who))


def _record(world: World) -> int:
    url = f"/api/nominations/{world.n['notice_nc']}/objections"
    answer = world.client.post(url, json=PHONE, headers=world.h("team"))
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def test_the_team_records_a_phone_objection_and_only_the_team_may(office: World) -> None:
    url = f"/api/nominations/{office.n['notice_nc']}/objections"
    assert office.client.post(url, json=PHONE, headers=office.h("clerk_nc")).status_code == 403
    assert office.client.post(url, json=PHONE, headers=office.h("clerk_gz")).status_code == 404
    anonymous = {**PHONE, "reporter_name": None}
    refused = office.client.post(url, json=anonymous, headers=office.h("team"))
    assert refused.status_code == 409 and "真实姓名" in error(refused)["message"]
    visit = office.client.post(url, json={**PHONE, "source": "visit"}, headers=office.h("team"))
    assert visit.status_code == 201 and visit.json()["source"] == "visit"
    assert visit.json()["reporter_name"] == "李四"


def test_files_of_the_objection_the_answer_and_who_reads_them(office: World) -> None:
    objection = _record(office)
    path = f"/api/objections/{objection}/attachments"
    letter = _upload(office, path, "team", "来电记录.pdf", PDF)
    assert letter.status_code == 201, letter.text
    [row] = letter.json()
    assert (row["owner"], row["content_type"], row["size"]) == (
        "objection",
        "application/pdf",
        len(PDF),
    )
    report = _upload(office, path, "clerk_nc", "核查报告.png", png())
    assert report.status_code == 201 and report.json()[0]["owner"] == "answer"
    assert _upload(office, path, "clerk_gz", "x.pdf", PDF).status_code == 404
    # The police department reviewed the nominee in joint review: it sees it, adds nothing.
    assert _upload(office, path, "police", "x.pdf", PDF).status_code == 403

    letter_url, report_url = (
        f"/api/attachments/{row['id']}",
        f"/api/attachments/{report.json()[0]['id']}",
    )
    got = office.client.get(letter_url, headers=office.h("team"))
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"].endswith(
        "filename*=UTF-8''%E6%9D%A5%E7%94%B5%E8%AE%B0%E5%BD%95.pdf"
    )
    # The reported unit never reads the objector's letter: it would name its writer.
    assert office.client.get(letter_url, headers=office.h("clerk_nc")).status_code == 404
    assert office.client.get(letter_url, headers=office.h("police")).status_code == 404
    assert office.client.get(report_url, headers=office.h("police")).status_code == 200
    assert office.client.get(report_url, headers=office.h("clerk_nc")).status_code == 200
    assert office.client.get(report_url, headers=office.h("clerk_gz")).status_code == 404
    assert office.client.get(report_url).status_code == 401
    assert (
        office.client.get("/api/attachments/999999", headers=office.h("admin")).status_code == 404
    )

    # Once answered, the unit adds nothing more to its answer.
    answered = office.client.post(
        f"/api/objections/{objection}/answer",
        json={"findings": "不实"},
        headers=office.h("clerk_nc"),
    )
    assert answered.status_code == 200
    assert _upload(office, path, "clerk_nc", "补充.pdf", PDF).status_code == 409


def test_a_nominations_material_and_a_department_that_reads_but_does_not_add(office: World) -> None:
    joint = f"/api/nominations/{office.n['joint_nc']}/attachments"
    added = _upload(office, joint, "clerk_nc", "推荐表.pdf", PDF)
    assert added.status_code == 201
    url = f"/api/attachments/{added.json()[0]['id']}"
    assert office.client.get(url, headers=office.h("police")).status_code == 200
    assert office.client.get(url, headers=office.h("organisation")).status_code == 404
    assert _upload(office, joint, "police", "意见.pdf", PDF).status_code == 403
    assert _upload(office, joint, "clerk_gz", "x.pdf", PDF).status_code == 404
    # A recused reviewer (police from unit nc) reads nothing of it.
    assert office.client.get(url, headers=office.h("police_nc")).status_code == 403


def test_type_and_size_refusals(office: World) -> None:
    path = f"/api/nominations/{office.n['notice_nc']}/attachments"
    fake = _upload(office, path, "clerk_nc", "事迹材料.pdf", FAKE_PDF)
    assert fake.status_code == 415 and "事迹材料.pdf" in error(fake)["message"]
    big = _upload(office, path, "clerk_nc", "大.pdf", PDF + b"0" * LIMIT)
    assert big.status_code == 413
    assert error(big)["code"] == "too_large" and "65536 B" in error(big)["message"]
    # A body far past what a form may carry is refused before it is read.
    huge = _upload(office, path, "clerk_nc", "巨.pdf", PDF + b"0" * (LIMIT * 8))
    assert huge.status_code == 413
    listed = office.client.get(
        f"/api/nominations/{office.n['notice_nc']}", headers=office.h("admin")
    )
    assert listed.status_code == 200


def test_the_investigations_list(office: World) -> None:
    first, second = _record(office), _record(office)
    office.client.post(
        f"/api/objections/{second}/answer", json={"findings": "不实"}, headers=office.h("clerk_nc")
    )
    rows = office.client.get("/api/objections", headers=office.h("team")).json()
    assert [(r["objection"]["id"], r["status"]) for r in rows] == [
        (first, "open"),
        (second, "answered"),
    ]
    assert rows[0]["nominee"] == "公示戊" and rows[0]["unit"] == "南昌市总工会"
    assert rows[0]["answer_due_beijing"].endswith("24时（北京时间）")  # a deadline, in words
    assert rows[0]["overdue"] is False  # the app's clock is a day after the notice: not yet due
    answered = office.client.get("/api/objections?status=answered", headers=office.h("team")).json()
    assert [r["objection"]["id"] for r in answered] == [second]
    other = office.client.get("/api/objections?campaign=none", headers=office.h("team")).json()
    assert other == []
    assert office.client.get("/api/objections", headers=office.h("clerk_nc")).status_code == 403
    assert (
        office.client.get("/api/objections?status=bad", headers=office.h("team")).status_code == 422
    )
