"""The working team filters the list across units, ticks 20 nominees and passes them at once.

Seeded here: a unit (上饶市总工会) with 30 places and 24 nominees in the qualification check,
4 of them gig workers, so the filter has something to narrow. Also, without a browser: the
unit's 报送所选 and the pages' refusals.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0
from tests.e2e.conftest import LiveServer, SeededDb, log_in, shot
from tests.e2e.seed import NOW
from tests.e2e.test_pages_http import log_in as log_in_client
from tests.integration import flow
from web.app import create_app
from workflow.services import campaigns
from workflow.services.campaigns import UnitQuota

QUOTAS = [
    UnitQuota("nc", "南昌市总工会", 3, email="nc@example.org"),
    UnitQuota("jt", "省交通运输厅", 2, kind="department"),
    UnitQuota("gz", "赣州市总工会", 3),
    UnitQuota("sr", "上饶市总工会", 30),
]


def seed_office(sf: sessionmaker[Session], campaign_id: int) -> list[int]:
    """24 nominees of 上饶 in the qualification check; the first 4 are gig workers."""
    with UnitOfWork(sf) as uow:
        campaigns.set_quota_table(uow, campaign_id, QUOTAS, ADMIN, T0)
    ids = []
    for i in range(24):
        gig = i < 4
        ident = flow.add(
            sf, campaign_id, "sr", f"上饶{i:02d}号", employer="快递网点" if gig else "上饶钢厂",
            gig_worker=gig, category="gig_worker" if gig else "front_line_worker",
        )  # fmt: skip
        flow.fire(sf, ident, "submit")
        flow.fire(sf, ident, "begin_review")
        ids.append(ident)
    return ids


def _width_fits(page: Any) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px screen"


def test_team_filters_selects_twenty_and_passes_them(
    browser: Any, live_server: LiveServer, seeded_db: SeededDb
) -> None:
    ids = seed_office(seeded_db.sf, live_server.seeded.campaign_id)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10000)
    page = context.new_page()
    try:
        log_in(page, live_server, "zhuanban")
        page.get_by_role("link", name="推荐人选总览").click()
        page.wait_for_url("**/office/nominations*")
        assert page.locator("h1").inner_text() == "全部推荐人选"
        page.select_option("select[name=unit]", "sr")
        page.check("input[name=flag][value=gig_worker]")
        page.get_by_role("button", name="筛选").click()
        page.wait_for_load_state()
        assert "unit=sr" in page.url and "flag=gig_worker" in page.url
        assert page.locator("#office-list tbody tr").count() == 4
        assert page.get_by_role("link", name="清除条件").is_visible()
        page.goto(f"{live_server.url}/office/nominations?unit=sr&stage=qualification&size=20")
        assert "共24名" in page.locator("#office-count").inner_text()
        page.get_by_role("link", name=re.compile("^姓名")).click()  # sort by name
        page.wait_for_load_state()
        assert "sort=name" in page.url
        shown = page.locator("#office-list tbody tr td:nth-child(2)").all_inner_texts()
        assert shown == sorted(shown) and len(shown) == 20
        page.check("input[data-select-all]")
        assert page.locator("input[name=ids]:checked").count() == 20
        page.select_option("select[name=trigger]", "pass")
        page.fill("input[name=reason]", "材料齐全，同意进入联审")
        shot(page, "office-list-1366")
        page.get_by_role("button", name="对所选执行").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "批量操作结果"
        rows = page.locator("#bulk-results tbody tr")
        assert rows.count() == 20
        assert page.locator("#bulk-results tbody tr.ok").count() == 20
        assert "20项已完成，0项未执行" in page.locator("#bulk-summary").inner_text()
        shot(page, "office-bulk-result-1366")
        page.get_by_role("link", name="返回列表").click()
        page.wait_for_load_state()
        assert "共4名" in page.locator("#office-count").inner_text()  # the filter was kept
    finally:
        context.close()
    passed = [i for i in ids if flow.status(seeded_db.sf, i).status == "joint_review"]
    assert len(passed) == 20


def test_office_list_fits_a_phone(
    browser: Any, live_server: LiveServer, seeded_db: SeededDb
) -> None:
    seed_office(seeded_db.sf, live_server.seeded.campaign_id)
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    try:
        log_in(page, live_server, "zhuanban")
        page.goto(f"{live_server.url}/office/nominations?unit=sr&size=20")
        assert page.locator("#office-list tbody tr").count() == 20
        _width_fits(page)
        shot(page, "office-list-375")
        page.locator("input[name=ids]").nth(0).check()
        page.locator("input[name=ids]").nth(1).check()
        page.select_option("select[name=trigger]", "return_material")
        page.get_by_role("button", name="对所选执行").click()
        page.wait_for_load_state()
        assert "须写明理由" in page.content()  # refused as a whole: nothing moved
        _width_fits(page)
        shot(page, "office-bulk-refused-375")
        page.go_back()
        page.wait_for_load_state()
        page.fill("input[name=reason]", "请补充事迹材料")
        page.get_by_role("button", name="对所选执行").click()
        page.wait_for_load_state()
        assert page.locator("#bulk-results tbody tr.ok").count() == 2
        _width_fits(page)
        shot(page, "office-bulk-result-375")
    finally:
        context.close()


@pytest.fixture
def client(seeded_db: SeededDb) -> Iterator[TestClient]:
    app = create_app(seeded_db.sf)
    app.state.clock = lambda: NOW
    with TestClient(app) as c:
        yield c


def test_a_unit_submits_its_ticked_drafts(client: TestClient, seeded_db: SeededDb) -> None:
    seeded = seeded_db.seeded
    token = log_in_client(client, "nc-clerk")
    unit = client.get("/unit").text
    assert 'action="/unit/nominations/submit-selected"' in unit
    assert f'name="ids" value="{seeded.draft}"' in unit
    answer = client.post(
        "/unit/nominations/submit-selected",
        data={"csrf_token": token, "ids": [str(seeded.draft), str(seeded.under_notice)]},
    )
    assert answer.status_code == 200
    assert "批量操作结果" in answer.text and "已完成" in answer.text
    assert flow.status(seeded_db.sf, seeded.draft).status == "submitted"
    forged = client.post("/unit/nominations/submit-selected", data={"csrf_token": "x", "ids": "1"})
    assert forged.status_code == 403


def test_the_office_pages_refuse_who_may_not(client: TestClient) -> None:
    log_in_client(client, "nc-clerk")
    assert client.get("/office/nominations").status_code == 403
    client.cookies.clear()
    log_in_client(client, "jjjc")
    assert client.get("/office/nominations").status_code == 403
    client.cookies.clear()
    token = log_in_client(client, "zhuanban")
    bad = client.get("/office/nominations?sort=password")
    assert bad.status_code == 422 and "排序" in bad.text
    empty = client.post("/office/nominations/bulk", data={"csrf_token": token, "trigger": "pass"})
    assert empty.status_code == 422 and "未选择任何推荐人选" in empty.text
    answer = client.get("/office/nominations")
    assert "全部推荐人选" in answer.text and "本单位" not in answer.text
