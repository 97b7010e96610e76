"""A unit's clerk in the browser: sees the deadline and places left, downloads the template,
fills it in (openpyxl), imports it, corrects one nominee in the form and submits it; after
the deadline the import form says why it is closed. Phone and desktop screenshots."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from models import Campaign
from models.uow import UnitOfWork
from tests.e2e.conftest import LiveServer, SeededDb, log_in, shot
from tests.e2e.seed import NOW
from workflow.importing import COLUMNS

# Five days and a few hours ahead of the pages' clock.
DEADLINE = NOW + timedelta(days=5, hours=3)
ROW = {
    "姓名": "赵模板",
    "性别": "男",
    "出生日期": date(1976, 4, 8),
    "民族": "汉族",
    "工作单位": "江西铜业集团",
    "单位性质": "企业",
    "人员类别": "一线职工",
    "职级": "无",
    "推荐单位": "南昌市总工会",
    "推荐荣誉": "江西省劳动模范",
    "推荐类型": "主推",
    "是否退休": "否",
    "是否残疾": "否",
    "曾获荣誉": "2019 南昌市劳动模范",
    "赞成票": 90,
    "总票数": 96,
    "公示开始": date(2025, 11, 3),
    "公示结束": date(2025, 11, 10),
    "简要事迹": "扎根冶炼一线二十年。",
}


@pytest.fixture
def unit_campaign(seeded_db: SeededDb) -> None:
    """The seeded campaign with a submission deadline five days ahead."""
    with UnitOfWork(seeded_db.sf) as uow:
        campaign = uow.session.get_one(Campaign, seeded_db.seeded.campaign_id)
        campaign.submission_deadline = DEADLINE
        uow.commit()


def _fits(page: Any) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px screen"


def _fill(template: Path, target: Path) -> Path:
    book = openpyxl.load_workbook(template)
    form = book.worksheets[0]
    for index, column in enumerate(COLUMNS, start=1):
        if column.zh in ROW:
            form.cell(row=2, column=index, value=ROW[column.zh])
    book.save(target)
    return target


def _left(page: Any) -> str:
    return str(page.locator("#places tr[data-category=''] td.left").inner_text())


def test_a_clerk_imports_corrects_and_submits(
    browser: Any, unit_campaign: None, live_server: LiveServer, tmp_path: Path
) -> None:
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    context.set_default_timeout(8000)
    page = context.new_page()
    try:
        log_in(page, live_server, "nc-clerk", "/unit")
        deadline = page.locator("#deadline").inner_text()
        assert "北京时间" in deadline and "还剩5天" in deadline
        assert _left(page) == "2"  # 3 places; the nominee in joint review holds one
        shot(page, "unit-desk-1366")

        with page.expect_download() as download:
            page.click("#template-link")
        template = tmp_path / "template.xlsx"
        download.value.save_as(template)
        filled = _fill(template, tmp_path / "filled.xlsx")
        page.set_input_files("input[name=file]", str(filled))
        page.get_by_role("button", name="导入").click()
        page.wait_for_load_state()
        assert "已导入1名人选" in page.locator(".flash.ok").inner_text()

        page.locator("tr", has_text="赵模板").get_by_role("link", name="修改").click()
        page.wait_for_load_state()
        assert page.input_value("#f-employer") == "江西铜业集团"
        page.fill("#f-votes_for", "120")  # more than the votes cast: refused at the field
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state()
        assert "多于总票数" in page.locator("#error-votes_for").inner_text()
        shot(page, "unit-nominee-form-error-1366")
        page.fill("#f-votes_for", "92")
        page.fill("#f-employer", "江西铜业集团贵溪冶炼厂")
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state()
        assert "推荐信息已修改" in page.locator(".flash.ok").inner_text()

        row = page.locator("tr", has_text="赵模板")
        row.get_by_role("button", name="报送").click()
        page.wait_for_load_state()
        assert "已报送" in page.locator(".flash.ok").inner_text()
        assert _left(page) == "1"

        page.set_viewport_size({"width": 375, "height": 740})
        _fits(page)
        shot(page, "unit-desk-375")
        page.goto(f"{live_server.url}/unit/nominations/new")
        _fits(page)
        shot(page, "unit-nominee-form-375")

        live_server.app.state.clock = lambda: DEADLINE + timedelta(minutes=1)
        log_in(page, live_server, "nc-clerk", "/unit")  # five days on, the session has lapsed
        closed = page.locator("#intake-closed").inner_text()
        assert "报送已于" in closed and "截止" in closed
        assert page.locator("input[name=file]").count() == 0
        assert page.locator("#add-nominee").count() == 0
        _fits(page)
        shot(page, "unit-desk-closed-375")
        page.set_viewport_size({"width": 1366, "height": 900})
        shot(page, "unit-desk-closed-1366")
    finally:
        context.close()
