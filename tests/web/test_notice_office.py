"""The campaign office over HTTP (API and the admin page), the notice and final list PDFs,
and the reference an objection filed on the web answers with: what each refuses."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from models.uow import UnitOfWork
from tests.integration import flow
from tests.web.conftest import NOW, World, error
from tests.web.hardening import proof
from web.deps import SESSION_COOKIE
from workflow.objection_reference import PATTERN
from workflow.services import committee, users

OFFICE = "/api/campaigns/jx2026/office"
GOOD = {
    "office_name": "江西省功勋荣誉表彰工作领导小组办公室",
    "office_phone": "0791-86123456",
    "office_address": "江西省南昌市红谷滩区卧龙路999号",
    "office_postcode": "330038",
    "admin_email": "gongshi@jx.example.org",
}


def browser(world: World, who: str) -> tuple[TestClient, str]:
    """A logged-in page client and its CSRF token."""
    with UnitOfWork(world.sf) as uow:
        session_id, csrf = users.open_session(uow, world.user_ids[who], NOW)
    return TestClient(world.app, cookies={SESSION_COOKIE: session_id}), csrf


def test_an_administrator_sets_the_office_and_the_notice_shows_it(world: World) -> None:
    put = world.client.put(OFFICE, json=GOOD, headers=world.h("admin"))
    assert put.status_code == 200, put.text
    assert put.json()["office_phone"] == "0791-86123456"
    assert put.json()["title_is_default"] is True
    assert world.client.get(OFFICE, headers=world.h("admin")).json()["office_postcode"] == "330038"
    page = world.client.get("/notice/jx2026").text
    for shown in ("0791-86123456", "330038", "gongshi@jx.example.org", "卧龙路999号", "公示时间"):
        assert shown in page
    assert "公示戊" in page


def test_who_is_not_an_administrator_cannot_set_or_read_the_office(world: World) -> None:
    for who in ("team", "secretary", "clerk_nc", "police"):
        answer = world.client.put(OFFICE, json=GOOD, headers=world.h(who))
        assert answer.status_code == 403, who
        assert world.client.get(OFFICE, headers=world.h(who)).status_code == 403, who
    assert world.client.put(OFFICE, json=GOOD).status_code == 401


def test_a_bad_value_is_422_naming_its_field(world: World) -> None:
    for field, value in (
        ("office_phone", "86123456"),
        ("office_phone", "电话"),
        ("admin_email", "not-an-address"),
        ("office_postcode", "3300"),
    ):
        answer = world.client.put(OFFICE, json={field: value}, headers=world.h("admin"))
        assert answer.status_code == 422, (field, answer.text)
        assert error(answer)["field"] == f"body.{field}", answer.text
    too_long = world.client.put(OFFICE, json={"office_name": "办" * 101}, headers=world.h("admin"))
    assert too_long.status_code == 422 and "office_name" in str(error(too_long)["field"])


def test_the_admin_page_form_saves_and_marks_a_bad_field(world: World) -> None:
    client, csrf = browser(world, "admin")
    bad = client.post(
        "/admin/campaigns/jx2026/office",
        data={**GOOD, "office_phone": "12345", "csrf_token": csrf},
        headers={"X-CSRF-Token": csrf},
    )
    assert bad.status_code == 422
    assert re.search(r'name="office_phone"[^>]*class="bad"', bad.text)
    saved = client.post(
        "/admin/campaigns/jx2026/office",
        data={**GOOD, "notice_title": "关于拟表彰对象的公示", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert "关于拟表彰对象的公示" in world.client.get("/notice/jx2026").text
    clerk, clerk_csrf = browser(world, "clerk_nc")
    refused = clerk.post("/admin/campaigns/jx2026/office", data={**GOOD, "csrf_token": clerk_csrf})
    assert refused.status_code == 403


def test_the_notice_pdf_is_public_while_the_notice_runs(world: World) -> None:
    pdf = world.client.get("/notice/jx2026.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert world.client.get("/notice/nowhere.pdf").status_code == 404


def test_the_final_list_pdf_is_refused_before_the_decision_and_to_others(world: World) -> None:
    secretary, _ = browser(world, "secretary")
    early = secretary.get("/final-list/jx2026.pdf")
    assert early.status_code == 409  # not decided yet
    api = "/api/campaigns/jx2026/final-list.pdf"
    refused = world.client.get(api, headers=world.h("secretary"))
    assert refused.status_code == 409 and error(refused)["code"] == "invalid_state"
    with UnitOfWork(world.sf) as uow:
        committee.decide(
            uow, world.campaign_id, flow.SECRETARY, NOW, override_reason="经研究同意本届名单"
        )
    done = secretary.get("/final-list/jx2026.pdf")
    assert done.status_code == 200 and done.content.startswith(b"%PDF")
    by_api = world.client.get(api, headers=world.h("team"))
    assert by_api.status_code == 200 and by_api.headers["content-type"] == "application/pdf"
    assert world.client.get(api, headers=world.h("clerk_gz")).status_code == 403
    clerk, _ = browser(world, "clerk_gz")
    assert clerk.get("/final-list/jx2026.pdf").status_code == 403
    assert world.client.get("/final-list/jx2026.pdf", follow_redirects=False).status_code in (
        303,
        401,
    )


def test_an_objection_on_the_web_answers_with_a_reference(world: World) -> None:
    world.client.put(OFFICE, json=GOOD, headers=world.h("admin"))
    body = {
        "nomination_id": world.n["notice_nc"],
        "reporter_name": "赵举报",
        "contact": "13812345678",
        "content": "事迹与实际不符",
        **proof(world.client),
    }
    got = world.client.post("/api/notice/jx2026/objections", json=body)
    assert got.status_code == 201, got.text
    reference = got.json()["reference"]
    assert PATTERN.fullmatch(reference)
    assert reference in got.json()["follow"] and "0791-86123456" in got.json()["follow"]
    assert str(got.json()["id"]) not in reference
    listed = world.client.get(
        f"/api/nominations/{world.n['notice_nc']}/objections", headers=world.h("team")
    ).json()
    assert [o["reference"] for o in listed] == [reference]
    for who in ("clerk_nc",):  # the unit investigating it learns neither objector nor number
        seen = world.client.get(
            f"/api/nominations/{world.n['notice_nc']}/objections", headers=world.h(who)
        ).json()
        assert seen and seen[0]["reference"] is None and "13812345678" not in str(seen)
