"""The nominee form over HTTP: what it writes, and what it refuses (CSRF, other units, roles)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditEvent, Nomination
from models.uow import UnitOfWork
from tests.e2e.conftest import SeededDb
from tests.e2e.seed import NOW, Seeded
from tests.e2e.test_pages_http import log_in
from web.app import create_app


@pytest.fixture
def site(seeded_db: SeededDb) -> Iterator[tuple[TestClient, Seeded]]:
    app = create_app(seeded_db.sf)
    app.state.clock = lambda: NOW
    with TestClient(app) as client:
        yield client, seeded_db.seeded


GOOD = {
    "rank": "main",
    "name": "页面新增",
    "gender": "F",
    "birth_date": "1984-02-03",
    "ethnicity": "汉族",
    "employer": "南昌地铁",
    "employer_type": "enterprise",
    "category": "technician",
    "official_level": "none",
    "honor": "江西省劳动模范",
    "prior_honors": "2019 南昌市劳动模范",
    "votes_for": "80",
    "votes_total": "90",
    "unit_notice_start": "2025-11-03",
    "unit_notice_end": "2025-11-10",
    "summary": "事迹",
    "disability": "1",
}


def test_a_clerk_adds_a_nominee_through_the_form(site: Any, seeded_db: SeededDb) -> None:
    client, _ = site
    token = log_in(client, "nc-clerk")
    answer = client.post(
        "/unit/nominations/new", data={**GOOD, "csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/unit?done=created"
    with UnitOfWork(seeded_db.sf) as uow:
        row = uow.session.scalars(select(Nomination).where(Nomination.name == "页面新增")).one()
        assert (row.unit.code, row.status, row.category) == ("nc", "draft", "technician")
        assert row.facts["disability"] is True and row.facts["prior_honours"][0]["year"] == 2019
        assert row.facts["ownership"] == "state"  # implied by the employer type, as on import


def test_the_form_refuses_at_the_field(site: Any) -> None:
    client, _ = site
    token = log_in(client, "nc-clerk")
    bad = {**GOOD, "csrf_token": token, "unit_notice_end": "2025-10-01", "prior_honors": "?"}
    answer = client.post("/unit/nominations/new", data=bad)
    assert answer.status_code == 422
    assert 'id="error-prior_honors"' in answer.text
    assert 'id="error-unit_notice_end"' in answer.text


def test_corrections_through_the_form(site: Any, seeded_db: SeededDb) -> None:
    client, seeded = site
    token = log_in(client, "nc-clerk")
    form = {**GOOD, "csrf_token": token, "name": "王草稿改"}
    answer = client.post(
        f"/unit/nominations/{seeded.draft}/edit", data=form, follow_redirects=False
    )
    assert answer.status_code == 303
    with UnitOfWork(seeded_db.sf) as uow:
        assert uow.session.get_one(Nomination, seeded.draft).name == "王草稿改"
        assert uow.session.scalars(
            select(AuditEvent.payload).where(AuditEvent.trigger == "nomination_corrected")
        ).one()["fields"]
    other = client.post(f"/unit/nominations/{seeded.under_notice}/edit", data=form)  # unit gz
    assert other.status_code == 404 and "赣州" not in other.text
    assert client.get(f"/unit/nominations/{seeded.under_notice}/edit").status_code == 404
    state = client.post(f"/unit/nominations/{seeded.at_joint_review}/edit", data=form)
    assert state.status_code == 409 and "多部门联审" in state.text
    forged = client.post(f"/unit/nominations/{seeded.draft}/edit", data={**form, "csrf_token": "x"})
    assert forged.status_code == 403


def test_reviewers_have_no_nominee_form(site: Any) -> None:
    client, seeded = site
    token = log_in(client, "jjjc")
    assert client.get("/unit/nominations/new").status_code == 403
    answer = client.post("/unit/nominations/new", data={**GOOD, "csrf_token": token})
    assert answer.status_code == 403
    assert client.get(f"/unit/nominations/{seeded.draft}/edit").status_code == 403


def test_the_form_offers_the_definitions_own_codes_and_the_page_shows_them(
    site: Any, seeded_db: SeededDb
) -> None:
    client, _ = site
    token = log_in(client, "nc-clerk")
    form = client.get("/unit/nominations/new").text
    assert '<option value="emergency"' in form and "急难险重岗位" in form
    assert '<option value="science_education_culture_health"' in form and "科教文卫" in form
    own = {**GOOD, "name": "岗位新增", "post": "emergency", "sector": "manufacturing"}
    added = client.post(
        "/unit/nominations/new", data={**own, "csrf_token": token}, follow_redirects=False
    )
    assert added.status_code == 303, added.text
    with UnitOfWork(seeded_db.sf) as uow:
        row = uow.session.scalars(select(Nomination).where(Nomination.name == "岗位新增")).one()
        assert (row.facts["post"], row.facts["sector"]) == ("emergency", "manufacturing")
        nomination_id = row.id
    page = client.get(f"/nominations/{nomination_id}").text
    assert "岗位类型" in page and "急难险重岗位" in page and "工业制造" in page
    bad = {**GOOD, "name": "岗位错误", "post": "hazardous"}
    refused = client.post("/unit/nominations/new", data={**bad, "csrf_token": token})
    assert refused.status_code == 422 and "急难险重岗位" in refused.text
    with UnitOfWork(seeded_db.sf) as uow:
        assert (
            uow.session.scalars(select(Nomination).where(Nomination.name == "岗位错误")).all() == []
        )
