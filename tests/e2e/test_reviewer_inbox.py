"""A discipline reviewer works the queue in Chromium: filters it to overdue tasks, pages, claims
a task, releases it, claims it again and vetoes it after the confirmation screen; a police
reviewer reads the identity number. Screenshots at 1366 and 375 px wide."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select

from models import AuditEvent
from models.db import make_session_factory
from models.uow import UnitOfWork
from tests.conftest import sqlite_engine
from tests.e2e.conftest import LiveServer, _free_port, log_in, shot
from tests.e2e.seed_reviewer import ID_NUMBER, NOW, OVERDUE, ReviewerSeed, seed_reviewers
from tests.integration.flow import status
from web.app import create_app

DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 375, "height": 800}


@pytest.fixture
def reviewer_server(tmp_path: Path) -> Iterator[tuple[LiveServer, ReviewerSeed, Any]]:
    """uvicorn in a thread over a database seeded with a discipline queue to page."""
    engine = sqlite_engine(tmp_path)
    sf = make_session_factory(engine)
    seeded = seed_reviewers(sf)
    app = create_app(sf)
    app.state.clock = lambda: NOW
    config = uvicorn.Config(
        app, host="127.0.0.1", port=_free_port(), log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    port = server.config.port
    yield LiveServer(f"http://127.0.0.1:{port}", seeded, app), seeded, sf  # type: ignore[arg-type]
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


def _fits(page: Any) -> None:
    """Nothing is wider than the screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _both_widths(page: Any, name: str) -> None:
    shot(page, f"{name}-1366")
    page.set_viewport_size(PHONE)
    _fits(page)
    shot(page, f"{name}-375")
    page.set_viewport_size(DESKTOP)


def test_a_discipline_reviewer_filters_pages_claims_releases_and_vetoes(
    page: Any, reviewer_server: tuple[LiveServer, ReviewerSeed, Any]
) -> None:
    server, _, sf = reviewer_server
    page.set_viewport_size(DESKTOP)
    log_in(page, server, "jjjc")
    assert page.url.endswith("/inbox")
    assert "共8项任务" in page.locator("#inbox-total").inner_text()

    # Overdue tasks only, five to a page.
    page.click("#inbox-filter-box summary")
    page.check("#inbox-filter input[name=overdue]")
    page.select_option("#inbox-filter select[name=per]", "5")
    page.click("#inbox-filter button[type=submit]")
    page.wait_for_url("**/inbox?*overdue=true*")
    assert f"共{OVERDUE}项任务，第1/2页" in page.locator("#inbox-total").inner_text()
    assert page.locator("#inbox-tasks tbody tr").count() == 5
    assert page.locator("#inbox-tasks .badge.overdue").count() == 5
    _both_widths(page, "reviewer-inbox-overdue")

    page.click("#inbox-pages a[rel=next]")
    page.wait_for_url("**page=2*")
    assert f"第2/{2}页" in page.locator("#inbox-total").inner_text()
    rows = page.locator("#inbox-tasks tbody tr")
    assert rows.count() == OVERDUE - 5
    assert page.locator("input[name=overdue]").is_checked()  # the filter is kept

    # Claim, release, claim again.
    rows.first.get_by_role("button", name="认领").click()
    page.wait_for_url("**/tasks/*")
    task_url = page.url
    assert "已认领" in page.content()
    page.get_by_role("button", name="释放").click()
    page.wait_for_url("**released=1")
    assert "已释放" in page.locator(".flash.ok").inner_text()
    assert page.get_by_role("button", name="释放").count() == 0
    page.get_by_role("button", name="认领").click()
    page.wait_for_url(task_url)
    assert page.get_by_role("button", name="释放").count() == 1
    _both_widths(page, "reviewer-task-claimed")

    # 否决: a second screen restates what a veto does, with the reason, before it is recorded.
    record = page.locator("a[href^='/nominations/']").first.get_attribute("href")
    nominee_id = int(str(record).rsplit("/", 1)[-1])
    page.fill("#opinion", "经核查，该同志存在违纪问题，已受党内警告处分。")
    page.get_by_role("button", name="不同意（否决）").click()
    page.wait_for_selector("#veto-confirm")
    confirm = page.locator("#veto-confirm")
    assert "永久取消" in confirm.inner_text()
    assert "违纪问题" in page.locator("#opinion").input_value()
    assert status(sf, nominee_id).status == "joint_review"  # nothing recorded yet
    _both_widths(page, "reviewer-veto-confirm")
    page.get_by_role("button", name="确认否决").click()
    page.wait_for_url("**/inbox?done=*")
    assert "已办结" in page.locator(".flash.ok").inner_text()
    assert status(sf, nominee_id).status == "vetoed"


def test_a_police_reviewer_reads_the_identity_number(
    page: Any, reviewer_server: tuple[LiveServer, ReviewerSeed, Any]
) -> None:
    server, seeded, sf = reviewer_server
    page.set_viewport_size(DESKTOP)
    log_in(page, server, "gongan")
    page.locator("#inbox-tasks a", has_text="联审甲").click()
    page.wait_for_url("**/tasks/*")
    assert ID_NUMBER in page.locator("dl.facts").inner_text()
    assert "已记录" in page.locator("#id-number-note").inner_text()
    _both_widths(page, "reviewer-police-id-number")
    with UnitOfWork(sf) as uow:
        viewed = list(
            uow.session.scalars(select(AuditEvent).where(AuditEvent.trigger == "id_number_viewed"))
        )
    assert [(e.nomination_id, e.actor_username) for e in viewed] == [(seeded.overdue[0], "gongan")]
