"""Dates on pages as people read them: a stage's deadline is the end of its last day (24时,
never the next day's 00:00), periods are their first and last day, the zone is named."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import update

from models import Campaign, ReviewTask
from models.uow import UnitOfWork
from tests.web.conftest import PASSWORD, World

# Tuesday 10 March 2026 00:00 in Beijing: the end of Monday 9 March, as stored.
END_OF_9_MARCH = datetime(2026, 3, 9, 16, tzinfo=UTC)


def _browser(world: World, who: str) -> TestClient:
    """A client logged in on the pages as `who`."""
    client = TestClient(world.app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    data = {"username": who, "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303
    return client


def test_a_stage_s_deadline_shows_as_the_end_of_its_last_day(world: World) -> None:
    task = world.task_of("joint_gz_official", "police")
    with UnitOfWork(world.sf) as uow:
        uow.session.execute(
            update(ReviewTask).where(ReviewTask.id == task).values(due_at=END_OF_9_MARCH)
        )
        uow.commit()
    browser = _browser(world, "police")
    for page in (f"/tasks/{task}", "/inbox"):
        text = browser.get(page).text
        assert "2026年3月9日24时（北京时间）" in text, page
        assert "3月10日" not in text and "00:00" not in text, page
    english = browser.get(f"/tasks/{task}?lang=en").text
    assert "end of 2026-03-09 (Beijing time)" in english and "2026-03-10" not in english


def test_the_campaign_deadline_on_the_admin_pages(world: World) -> None:
    with UnitOfWork(world.sf) as uow:
        uow.session.execute(
            update(Campaign)
            .where(Campaign.id == world.campaign_id)
            .values(submission_deadline=END_OF_9_MARCH)
        )
        uow.commit()
    browser = _browser(world, "admin")
    listing = browser.get("/admin/campaigns").text
    assert "2026年3月9日24时（北京时间）" in listing and "3月10日" not in listing
    assert "时间均为北京时间。" in listing  # the note that names the zone of every time


def test_the_unit_s_own_notice_is_a_period_of_days(world: World) -> None:
    # The unit typed its notice as 3 to 10 November 2025 (first and last day, inclusive).
    page = _browser(world, "clerk_nc").get(f"/nominations/{world.n['notice_nc']}").text
    assert re.search(r"2025年11月3日至11月10日（\d+个工作日）", page), page


def test_the_answer_deadline_in_the_investigations_list_is_words(world: World) -> None:
    listed = world.client.get(
        f"/api/nominations/{world.n['notice_nc']}/objections", headers=world.h("team")
    )
    assert listed.status_code == 200
    recorded = world.client.post(
        f"/api/nominations/{world.n['notice_nc']}/objections",
        json={
            "source": "visit",
            "content": "反映事迹夸大",
            "received_on": "2026-03-02",
            "reporter_name": "李四",
            "contact": "13800000000",
        },
        headers=world.h("team"),
    )
    assert recorded.status_code == 201, recorded.text
    rows = world.client.get("/api/objections", headers=world.h("team")).json()
    due = rows[0]["answer_due_at"]
    assert due.endswith("Z") or due.endswith("+00:00")  # machines keep ISO 8601 UTC
    assert re.fullmatch(r"2026年\d+月\d+日24时（北京时间）", rows[0]["answer_due_beijing"])
    english = world.client.get(
        "/api/objections", headers={**world.h("team"), "Accept-Language": "en"}
    ).json()
    assert re.fullmatch(r"end of 2026-\d\d-\d\d \(Beijing time\)", english[0]["answer_due_beijing"])
    # Refused as before for those who may not list investigations.
    assert world.client.get("/api/objections", headers=world.h("clerk_gz")).status_code == 403
