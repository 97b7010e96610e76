"""The unit's desk through the API: the template, the deadline and places, corrections."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
from sqlalchemy import select

from models import AuditEvent, Campaign, Nomination
from models.uow import UnitOfWork
from tests.web.conftest import NOW, World, error
from tests.web.test_api_nominations import NOMINEE
from workflow.importing import COLUMNS


def fields(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {"summary": "更正后的事迹", "nominee": dict(NOMINEE)}
    data.update(changes)
    return data


def _deadline(world: World, delta: timedelta) -> None:
    with UnitOfWork(world.sf) as uow:
        uow.session.get_one(Campaign, world.campaign_id).submission_deadline = NOW + delta
        uow.commit()


def test_the_template_is_the_importers_form(world: World) -> None:
    answer = world.client.get(
        "/api/campaigns/jx2026/form-template.xlsx", headers=world.h("clerk_nc")
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert [c.value for c in book.worksheets[0][1]] == [c.zh for c in COLUMNS]
    units = book["选项"]  # a clerk's template offers its own unit only
    column = [c.value for c in units[1]].index("推荐单位") + 1
    assert [units.cell(row=r, column=column).value for r in (2, 3)] == ["南昌市总工会", None]
    assert (
        world.client.get(
            "/api/campaigns/jx2026/form-template.xlsx", headers=world.h("police")
        ).status_code
        == 403
    )
    missing = world.client.get(
        "/api/campaigns/nowhere/form-template.xlsx", headers=world.h("admin")
    )
    assert missing.status_code == 404


def test_my_unit_gives_deadline_and_places_left(world: World) -> None:
    _deadline(world, timedelta(days=3, hours=2))
    answer = world.client.get("/api/campaigns/jx2026/my-unit", headers=world.h("clerk_nc"))
    assert answer.status_code == 200, answer.text
    desk = answer.json()
    assert (desk["unit_code"], desk["days_left"], desk["open"]) == ("nc", 3, True)
    assert desk["deadline_text"].endswith("（北京时间）")
    # nc holds 3 places; two of its nominees (joint review, notice) hold one each.
    assert desk["places"] == [{"category": None, "places": 3, "used": 2, "left": 1}]
    assert (
        world.client.get("/api/campaigns/jx2026/my-unit", headers=world.h("police")).status_code
        == 403
    )
    _deadline(world, -timedelta(minutes=5))
    closed = world.client.get("/api/campaigns/jx2026/my-unit", headers=world.h("clerk_nc")).json()
    assert closed["open"] is False and closed["closed_code"] == "submission_deadline"
    assert "截止" in closed["closed_reason"]


def test_a_clerk_corrects_its_draft(world: World) -> None:
    draft = world.n["draft_nc"]
    nominee = dict(NOMINEE, name="改正名", id_number="360102198001019999")
    answer = world.client.put(
        f"/api/nominations/{draft}", json=fields(nominee=nominee), headers=world.h("clerk_nc")
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["name"] == "改正名" and answer.json()["version"] == 2
    with UnitOfWork(world.sf) as uow:
        [event] = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.trigger == "nomination_corrected")
        )
        assert "id_number" in event.payload["fields"]
        assert "360102198001019999" not in str(event.payload)


def test_correction_refusals(world: World) -> None:
    draft, submitted = world.n["draft_nc"], world.n["joint_nc"]
    put = world.client.put
    other = put(
        f"/api/nominations/{world.n['qual_gz']}", json=fields(), headers=world.h("clerk_nc")
    )
    assert other.status_code == 404 and "赣州" not in error(other)["message"]
    state = put(f"/api/nominations/{submitted}", json=fields(), headers=world.h("clerk_nc"))
    assert state.status_code == 409 and "联审" in error(state)["message"]
    bad = fields(nominee=dict(NOMINEE, votes_for=120))
    invalid = put(f"/api/nominations/{draft}", json=bad, headers=world.h("clerk_nc"))
    assert invalid.status_code == 422
    assert error(invalid)["field"] == "body.nominee.votes_for"
    assert error(invalid)["message"] == "赞成票：赞成票120票多于总票数100票"
    stale = put(
        f"/api/nominations/{draft}", json=fields(expected_version=9), headers=world.h("clerk_nc")
    )
    assert stale.status_code == 409
    _deadline(world, -timedelta(minutes=5))
    late = put(f"/api/nominations/{draft}", json=fields(), headers=world.h("clerk_nc"))
    assert late.status_code == 409 and "截止" in error(late)["message"]
    with UnitOfWork(world.sf) as uow:
        assert uow.session.get_one(Nomination, draft).version == 1  # nothing was written


def test_create_and_import_are_refused_at_once_after_the_deadline(world: World) -> None:
    _deadline(world, -timedelta(minutes=5))
    body = {"campaign": "jx2026", "unit_code": "nc", "summary": "事迹", "nominee": NOMINEE}
    created = world.client.post("/api/nominations", json=body, headers=world.h("clerk_nc"))
    assert created.status_code == 409 and "截止" in error(created)["message"]
    garbage = {"file": ("form.xlsx", b"not a workbook", "application/octet-stream")}
    imported = world.client.post(
        "/api/nominations/import",
        files=garbage,
        data={"campaign": "jx2026"},
        headers=world.h("clerk_nc"),
    )
    assert imported.status_code == 409 and "截止" in error(imported)["message"]
