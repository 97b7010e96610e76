"""The working team records a phone objection with a PDF; the unit answers it with a report;
the team dismisses it; a second one, upheld, removes the nominee. At 1366 and 375 px."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings
from tests.attachment_files import PDF, png
from tests.e2e.conftest import LiveServer, SeededDb, log_in, shot
from tests.e2e.seed_objections import GZ_CLERK, ObjectionSeed, seed_objection_people


@pytest.fixture
def office(
    seeded_db: SeededDb, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[LiveServer, ObjectionSeed]]:
    """The live server over the seed plus gz's clerk and a second nominee under notice."""
    added = seed_objection_people(seeded_db.sf, seeded_db.seeded)
    server: LiveServer = request.getfixturevalue("live_server")
    settings = Settings(attachments_dir=tmp_path / "files")
    server.app.state.wiring = dataclasses.replace(server.app.state.wiring, settings=settings)
    yield server, added


def _as(page: Any, server: LiveServer, username: str, path: str) -> None:
    page.context.clear_cookies()
    log_in(page, server, username, path)
    page.goto(f"{server.url}{path}")


def _fits(page: Any, name: str) -> None:
    """The page at 375 px: nothing wider than the screen; screenshots at both widths."""
    shot(page, f"{name}-1366")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    shot(page, f"{name}-375")
    page.set_viewport_size({"width": 1366, "height": 900})


def _record(page: Any, server: LiveServer, nominee: str, file: dict[str, Any] | None) -> str:
    _as(page, server, "zhuanban", "/office/objections")
    form = page.locator("#record-objection form")
    form.locator("select[name=nomination_id]").select_option(label=f"{nominee}（赣州市总工会）")
    form.locator("select[name=source]").select_option("phone")
    form.locator("textarea[name=content]").fill("来电反映其事迹材料存在夸大")
    form.locator("input[name=reporter_name]").fill("李四")
    form.locator("input[name=contact]").fill("13900001111")
    if file:
        form.locator("input[name=file]").set_input_files(files=[file])
    form.get_by_role("button", name="登记并转推荐单位核查").click()
    page.wait_for_url("**/objections/*?done=recorded")
    return str(page.url.split("/objections/")[1].split("?")[0])


def _answer(page: Any, server: LiveServer, objection: str, file: dict[str, Any] | None) -> None:
    _as(page, server, GZ_CLERK, "/unit")
    card = page.locator(f"#objections form[action='/objections/{objection}/answer']")
    card.locator("textarea[name=findings]").fill("经核查，反映不实，附核查报告")
    if file:
        card.locator("input[name=file]").set_input_files(files=[file])
    card.get_by_role("button", name="报送核查结论").click()
    page.wait_for_url(f"**/objections/{objection}?done=answered")


def _decide(page: Any, server: LiveServer, objection: str, button: str) -> None:
    _as(page, server, "zhuanban", f"/objections/{objection}")
    form = page.locator("#decision-form form")
    form.locator("textarea[name=reason]").fill("核查报告说明清楚")
    form.get_by_role("button", name=button).click()
    page.wait_for_url("**/office/objections?done=decided")


def test_record_answer_dismiss_and_uphold(
    page: Any, office: tuple[LiveServer, ObjectionSeed]
) -> None:
    server, added = office
    letter = {"name": "来电记录.pdf", "mimeType": "application/pdf", "buffer": PDF}
    first = _record(page, server, "李公示", letter)
    assert "来电记录.pdf" in page.locator("#attachments").inner_text()
    assert "李四" in page.locator("#reporter").inner_text()
    _fits(page, "objection-recorded")

    report = {"name": "核查报告.png", "mimeType": "image/png", "buffer": png()}
    _answer(page, server, first, report)
    # The unit sees its own report, never who objected nor the objector's letter.
    files = page.locator("#attachments").inner_text()
    assert "核查报告.png" in files and "来电记录.pdf" not in files
    assert page.locator("#reporter").inner_text() == "李**"
    assert "13900001111" not in page.content()
    assert page.locator("#decision-form").count() == 0
    shot(page, "objection-answered-unit")

    _as(page, server, "zhuanban", "/office/objections")
    row = page.locator(f"tr[data-objection='{first}']")
    assert "待工作专班决定" in row.inner_text()
    _fits(page, "office-objections")
    _decide(page, server, first, "异议不属实，继续公示")
    page.goto(f"{server.url}/office/objections?status=dismissed")
    assert page.locator(f"tr[data-objection='{first}']").count() == 1

    second = _record(page, server, "赵公示", None)
    _answer(page, server, second, None)
    _decide(page, server, second, "异议属实，取消拟表彰资格")
    _as(page, server, "admin", f"/nominations/{added.second}")
    assert page.locator("#timeline li[data-trigger=uphold_objection]").count() == 1
    assert page.locator("#workflow-diagram").get_attribute("data-current") == "removed"
    shot(page, "objection-upheld-nomination")
