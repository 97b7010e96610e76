"""The administrator sets a campaign up in the browser: creates it, uploads a quota table with a
bad row (the error shown at its row), fixes it, opens recommendation once the checks pass, and
amends a composition rule's figure on a campaign with nominees, seeing the report change."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.e2e.conftest import LiveServer, SeededDb, log_in, shot
from tests.e2e.seed import NOW
from tests.e2e.seed_campaigns import SETUP_CODE, seed_setup_campaign
from tests.e2e.test_pages_http import log_in as client_log_in
from web.app import create_app

GOOD = (
    "单位代码,单位名称,名额,类别,是否单列,单位类型,邮箱\n"
    "nc,南昌市总工会,4,,否,市总工会,\n"
    "jj,九江市总工会,3,,否,市总工会,jj@example.org\n"
)
BAD = GOOD.replace("jj,九江市总工会,3", "jj,九江市总工会,三")


@pytest.fixture
def server(seeded_db: SeededDb, request: pytest.FixtureRequest) -> LiveServer:
    """The live server over the seeded database plus the set-up campaign."""
    seed_setup_campaign(seeded_db.sf)
    live: LiveServer = request.getfixturevalue("live_server")
    return live


def _no_overflow(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _both_widths(page: Any, name: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, f"{name}-1366")
    page.set_viewport_size({"width": 375, "height": 800})
    _no_overflow(page)
    shot(page, f"{name}-375")
    page.set_viewport_size({"width": 1366, "height": 900})


def _upload(page: Any, path: Path) -> None:
    page.set_input_files("#quota input[name=file]", str(path))
    page.get_by_role("button", name="上传名额分配表").click()
    page.wait_for_load_state()


def test_admin_creates_a_campaign_loads_its_quota_and_amends_a_rule(
    page: Any, server: LiveServer, tmp_path: Path
) -> None:
    log_in(page, server, "admin")
    page.get_by_role("link", name="评选活动").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/admin/campaigns")
    assert "江西省劳动模范（先进工作者）" in page.locator("#definition-honours").inner_text()
    page.fill("input[name=code]", "jx2027")
    page.fill("input[name=title]", "2027年劳动模范评选")
    page.fill("input[name=reference_date]", "2026-03-01")
    page.fill("input[name=submission_deadline]", "2026-04-30T17:00")
    page.fill("input[name=admin_email]", "office@jx.example.org")
    _both_widths(page, "admin-campaigns")
    page.get_by_role("button", name="创建评选活动").click()
    page.wait_for_load_state()
    assert page.url.endswith("/admin/campaigns/jx2027?done=created")
    assert page.locator("[data-phase]").get_attribute("data-phase") == "launch"
    quota_check = page.locator('[data-target=recommendation] li[data-check="quota_table"]')
    assert "failing" in (quota_check.get_attribute("class") or "")
    assert page.locator("#phase form").count() == 0  # no button while a check fails
    assert "2026年4月30日17时" in page.locator('li[data-check="submission_deadline"]').inner_text()

    bad = tmp_path / "名额.csv"
    bad.write_text(BAD, encoding="utf-8")
    _upload(page, bad)
    error_row = page.locator("#import-errors tr[data-row='3']")
    assert error_row.get_attribute("data-field") == "places"
    assert "“三”不是大于或等于0的整数" in error_row.inner_text()
    _both_widths(page, "admin-campaign-quota-errors")

    bad.write_text(GOOD, encoding="utf-8")
    _upload(page, bad)
    assert "名额分配表已保存" in page.locator(".flash.ok").inner_text()
    assert page.locator("#quota-form input[name='q1.unit_name']").input_value() == "九江市总工会"

    # In place: a wrong e-mail is shown at its row, then corrected.
    page.fill("#quota-form input[name='q1.email']", "jj-at-example")
    page.fill("#quota-form input[name='q0.places']", "5")
    page.evaluate("document.querySelector('#quota-form').noValidate = true")
    page.get_by_role("button", name="保存名额分配表").click()
    page.wait_for_load_state()
    assert page.locator("#quota-form tr[data-row='2']").get_attribute("class") == "bad-row"
    assert "不是有效的邮箱地址" in page.locator("tr[data-errors-of='2']").inner_text()
    page.fill("#quota-form input[name='q1.email']", "jj@example.org")
    page.get_by_role("button", name="保存名额分配表").click()
    page.wait_for_load_state()
    assert page.locator("#quota-form input[name='q0.places']").input_value() == "5"

    page.get_by_role("button", name="进入“推荐评审”").click()
    page.wait_for_load_state()
    assert page.locator("[data-phase]").get_attribute("data-phase") == "recommendation"

    page.goto(f"{server.url}/admin/campaigns/{SETUP_CODE}")
    women = page.locator("#report tr[data-rule=women_min]")
    assert women.get_attribute("data-ok") == "no"
    rule_row = page.locator("#rules-form tr:has(input[value=women_min])")
    assert rule_row.locator("input[name$='.min']").input_value() == "20"
    rule_row.locator("input[name$='.min']").fill("0")
    page.fill("#rules-form textarea[name=reason]", "试点年度暂不设女性比例下限")
    page.get_by_role("button", name="保存规则").click()
    page.wait_for_load_state()
    assert "结构比例规则已修改" in page.locator(".flash.ok").inner_text()
    assert page.locator("#report tr[data-rule=women_min]").get_attribute("data-ok") == "yes"
    assert "不低于0%" in page.locator("li[data-rule=women_min]").inner_text()
    _both_widths(page, "admin-campaign-rules")


@pytest.fixture
def site(seeded_db: SeededDb) -> Iterator[TestClient]:
    seed_setup_campaign(seeded_db.sf)
    app = create_app(seeded_db.sf)
    app.state.clock = lambda: NOW
    with TestClient(app) as client:
        yield client


def test_the_set_up_pages_refuse_others_forged_forms_and_bad_rules(site: TestClient) -> None:
    token = client_log_in(site, "zhuanban")
    assert site.get("/admin/campaigns").status_code == 403
    assert site.get(f"/admin/campaigns/{SETUP_CODE}").status_code == 403
    refused = site.post(
        f"/admin/campaigns/{SETUP_CODE}/phase",
        data={"csrf_token": token, "to": "inspection_notice"},
    )
    assert refused.status_code == 403
    site.post("/logout", data={"csrf_token": token})
    token = client_log_in(site, "admin")
    forged = site.post("/admin/campaigns", data={"csrf_token": "forged", "code": "x"})
    assert forged.status_code == 403
    assert site.get("/admin/campaigns/nope").status_code == 404
    page = site.get(f"/admin/campaigns/{SETUP_CODE}").text
    index = re.search(r'name="r(\d+)\.id" value="women_min"', page)
    assert index
    bad = site.post(
        f"/admin/campaigns/{SETUP_CODE}/rules",
        data={
            "csrf_token": token,
            "reason": "改",
            f"r{index[1]}.kind": "share",
            f"r{index[1]}.id": "women_min",
            f"r{index[1]}.label": "女性占比",
            f"r{index[1]}.group": "gender: F",
            f"r{index[1]}.min": "120",
        },
    )
    assert bad.status_code == 422 and "第1条规则（女性占比）的比例下限" in bad.text
    closed = site.post("/admin/campaigns/jx2026/rules", data={"csrf_token": token, "reason": "改"})
    assert closed.status_code == 409 and "考察公示" in closed.text
    big = site.post(
        f"/admin/campaigns/{SETUP_CODE}/quota/import",
        data={"csrf_token": token},
        files={"file": ("q.csv", b"x" * (2 * 1024 * 1024 + 1))},
    )
    assert big.status_code == 413 and "2兆字节" in big.text
