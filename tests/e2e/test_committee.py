"""The committee secretary decides in the browser: a failing composition rule, its override,
all approved but one with a reason, the confirmation step, and the final list — on a desktop
and on a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from models.db import make_session_factory
from tests.conftest import sqlite_engine
from tests.e2e.conftest import LiveServer, log_in, shot
from tests.e2e.seed_committee import DECISION_DAY, CommitteeSeeded, seed_committee

EXCEPTED = "林巧梅"  # the only woman, gig worker and nominee with a disability
OVERRIDE = "本届名单经常委会研究同意"
REASON = "考察中发现群众反映问题，暂缓表彰"


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CommitteeSeeded]:
    """This module's database: a list before the committee (the live server copies it)."""
    folder = tmp_path_factory.mktemp("committee")
    engine = sqlite_engine(folder)
    seeded = seed_committee(make_session_factory(engine))
    engine.dispose()
    return folder / "test.sqlite3", seeded


def _fits(page: Any) -> None:
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"page is {scroll}px wide in a {client}px screen"


def _decide(page: Any, server: LiveServer, name: str) -> None:
    """The secretary's whole path: preview, override, confirm, final list."""
    server.app.state.clock = lambda: DECISION_DAY
    log_in(page, server, "secretary")
    assert page.url.endswith("/committee")  # the secretary lands on the decision page
    assert page.locator("#awaiting tbody tr").count() == 5
    # Nothing missed; nobody from 机关事业单位, so one share is not evaluated, never "all met".
    assert page.locator("#none-missed").is_visible() and page.locator("#all-met").count() == 0
    county = page.locator("#composition tr[data-rule=gov_county_max]")
    assert "未评估（基数为空）" in county.inner_text()
    _fits(page)
    shot(page, f"{name}-committee-list")

    seeded: CommitteeSeeded = server.seeded  # type: ignore[assignment]
    row = page.locator(f"#awaiting tr[data-id='{seeded.ids[EXCEPTED]}']")
    row.locator("input[name=except]").check()
    row.locator("input[name=reason]").fill(REASON)
    page.get_by_role("button", name="预览").first.click()
    page.wait_for_load_state()
    assert page.locator("#would").inner_text() == "拟审定通过4人，不予通过1人。"
    missed = page.locator("#composition tr.missed")
    assert missed.count() == 6  # all her groups but 村(社区)工作者
    assert "女性占比" in page.locator("#composition tr[data-rule=women_min]").inner_text()
    assert page.locator("#override-needed").is_visible()
    _fits(page)
    shot(page, f"{name}-committee-preview")

    # Without an override the confirmation step refuses, naming the rule.
    page.get_by_role("button", name="下一步：确认").click()
    page.wait_for_load_state()
    assert "女性占比" in page.locator(".flash.error[role=alert]").inner_text()
    page.fill("textarea[name=override_reason]", OVERRIDE)
    page.get_by_role("button", name="下一步：确认").click()
    page.wait_for_load_state()

    confirm = page.locator("#confirm")
    assert confirm.locator("#confirm-approved").inner_text() == "审定通过4人"
    assert confirm.locator("#confirm-not-approved").inner_text() == "不予通过1人"
    assert REASON in confirm.inner_text()
    assert confirm.locator("#overridden li").count() == 6
    assert confirm.locator("#confirm-override").inner_text() == OVERRIDE
    _fits(page)
    shot(page, f"{name}-committee-confirm")
    page.get_by_role("button", name="确认审定").click()
    page.wait_for_load_state()

    final = page.locator("#final-list")
    assert final.locator("li").count() == 4
    assert EXCEPTED not in final.inner_text()
    assert [g.inner_text() for g in final.locator("h2").all()] == [
        "南昌市总工会（1）",
        "省交通运输厅（1）",
        "赣州市总工会（2）",
    ]
    assert page.locator("#override").inner_text() == OVERRIDE
    assert page.locator("#decided-at").inner_text() == "2026年3月17日9时（北京时间）"
    _fits(page)
    shot(page, f"{name}-committee-final")


def test_the_secretary_overrides_a_rule_and_approves_all_but_one(
    browser: Any, live_server: LiveServer
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.set_default_timeout(5000)
    try:
        page = context.new_page()
        _decide(page, live_server, "desktop")
        # The working team reads the final list too; a unit clerk may not open the page.
        context.clear_cookies()
        log_in(page, live_server, "zhuanban", "/committee")
        assert page.locator("#final-list li").count() == 4
        context.clear_cookies()
        log_in(page, live_server, "nc-clerk")
        assert page.goto(f"{live_server.url}/committee").status == 403
    finally:
        context.close()


def test_the_decision_fits_a_phone(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True,
        locale="zh-CN",
    )  # fmt: skip
    context.set_default_timeout(5000)
    try:
        _decide(context.new_page(), live_server, "phone")
    finally:
        context.close()
