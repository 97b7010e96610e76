"""The calendar page (administrators only): the known years, uploading a year's schedule, and
the dashboard's warning while a running campaign's deadlines reach a year without one."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from models import Campaign
from models.uow import UnitOfWork
from tests.unit.test_calendar_years import SYNTHETIC_2027
from tests.web.conftest import PASSWORD, World


def page_login(app: FastAPI, who: str) -> tuple[TestClient, str]:
    """A client logged in to the pages, and its CSRF token (from a page every person sees)."""
    client = TestClient(app, raise_server_exceptions=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    data = {"username": who, "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/account").text)
    assert csrf
    return client, csrf.group(1)


def upload(client, csrf: str, text: str | bytes, name: str = "2027.yaml"):  # type: ignore[no-untyped-def]
    data = text.encode("utf-8") if isinstance(text, str) else text
    files = {"file": (name, data, "application/x-yaml")}
    return client.post("/admin/calendar/load", data={"csrf_token": csrf}, files=files)


def test_only_administrators_see_or_load_the_calendar(world: World) -> None:
    team, csrf = page_login(world.app, "team")
    assert team.get("/admin/calendar").status_code == 403
    refused = upload(team, csrf, SYNTHETIC_2027)
    assert refused.status_code == 403
    clerk, clerk_csrf = page_login(world.app, "clerk_nc")
    assert upload(clerk, clerk_csrf, SYNTHETIC_2027).status_code == 403
    admin, _ = page_login(world.app, "admin")
    page = admin.get("/admin/calendar")
    assert page.status_code == 200
    assert "节假日数据包（版本1.11.0）提供2004年至2026年的安排。" in page.text
    assert "尚未载入任何年份。" in page.text and 'data-year="2027"' not in page.text


def test_an_administrator_uploads_a_year_and_sees_it_listed(world: World) -> None:
    admin, csrf = page_login(world.app, "admin")
    loaded = upload(admin, csrf, SYNTHETIC_2027)
    assert loaded.status_code == 200
    assert "已载入2027年节假日安排：3个节假日共13天放假，2个调休上班日。" in loaded.text
    assert 'data-year="2027"' in loaded.text and "用户admin (admin)" not in loaded.text
    again = upload(admin, csrf, SYNTHETIC_2027)
    assert "已替换2027年节假日安排" in again.text
    english = admin.get("/admin/calendar?lang=en")
    assert "The holiday package (version 1.11.0) covers 2004–2026." in english.text


def test_a_contradictory_file_is_refused_with_every_day_named(world: World) -> None:
    admin, csrf = page_login(world.app, "admin")
    bad = SYNTHETIC_2027.replace("2027-02-20", "2027-02-17").replace("2027-01-31", "2027-02-07")
    answer = upload(admin, csrf, bad, "通知.yaml")
    assert answer.status_code == 422
    assert "节假日安排文件“通知.yaml”有2处错误，未载入：" in answer.text
    assert "调休上班日2027年2月17日是星期三，不是周末" in answer.text
    assert "2027年2月7日既是“春节”的放假日，又列为调休上班日" in answer.text
    assert 'data-year="2027"' not in answer.text
    not_text = upload(admin, csrf, "year: 2027 # 年份".encode("gb18030"), "x.yaml")
    assert not_text.status_code == 422 and "文件不是 UTF-8 编码的文本" in not_text.text
    assert upload(admin, "wrong-token", SYNTHETIC_2027).status_code == 403


def test_the_dashboard_warns_until_the_year_is_loaded(world: World) -> None:
    admin, csrf = page_login(world.app, "admin")
    assert "工作日历缺少年份" not in admin.get("/admin").text
    with UnitOfWork(world.sf) as uow:
        campaign = uow.session.get(Campaign, world.campaign_id)
        assert campaign is not None
        campaign.submission_deadline = datetime(2026, 12, 18, 9, 0, tzinfo=UTC)
        uow.commit()
    warned = admin.get("/admin").text
    assert "工作日历缺少年份" in warned and 'data-campaign="jx2026"' in warned
    assert "的期限已排到2026年12月18日，其后一个月内的期限将落入2027年" in warned
    upload(admin, csrf, SYNTHETIC_2027)
    assert "工作日历缺少年份" not in admin.get("/admin").text
