"""An administrator validates a broken definition (errors in place), publishes a good one,
and reads the dashboard's funnel and composition chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import JIANGXI, MAYDAY
from tests.e2e.conftest import LiveServer, log_in, shot


def test_admin_publishes_definition_and_sees_dashboard(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    log_in(page, live_server, "admin")
    assert page.url.endswith("/admin")
    funnel = page.locator("#funnel")
    # The table under the drawing: state, reached, share of the first step, there now.
    assert funnel.locator("tr[data-state=joint_review] td").nth(3).text_content() == "1"
    assert funnel.locator("tr[data-state=public_notice] td").nth(3).text_content() == "1"
    assert funnel.locator("svg.funnel-chart g.band[data-state=joint_review]").count() == 1
    chart = page.locator("#composition svg.composition-chart")
    assert chart.locator("g.rule").count() >= 3
    assert chart.locator("line.bound").count() >= 3
    shot(page, "admin-dashboard")

    broken = tmp_path / "broken.yaml"
    text = JIANGXI.read_text(encoding="utf-8")
    marker = "    kind: team_review"
    broken.write_text(text.replace(marker, marker + "\n    colour: red", 1), encoding="utf-8")
    page.goto(f"{live_server.url}/admin/definitions")
    page.set_input_files("input[name=file]", str(broken))
    page.get_by_role("button", name="校验").click()
    page.wait_for_load_state()
    marked = page.locator("pre.yaml .line.bad")
    assert marked.count() == 1
    assert marked.inner_text().strip().endswith("colour: red")
    assert "未知的键" in page.locator("pre.yaml .err").first.inner_text()
    assert page.locator("#candidate").count() == 0  # nothing to publish
    shot(page, "admin-definition-errors")

    page.set_input_files("input[name=file]", str(MAYDAY))
    page.get_by_role("button", name="校验").click()
    page.wait_for_load_state()
    assert page.locator("#candidate svg.workflow-diagram").count() == 1
    page.get_by_role("button", name="发布").click()
    page.wait_for_load_state()
    assert "mayday-medal@1" in page.locator(".flash.ok").inner_text()
    page.get_by_role("link", name="mayday-medal").click()
    page.wait_for_load_state()
    assert page.locator("svg.workflow-diagram g.node").count() >= 8
    shot(page, "admin-definition")
