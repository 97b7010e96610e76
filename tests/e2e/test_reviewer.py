"""A department reviewer logs in, claims and clears a joint-review task; the timeline shows it."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import LiveServer, log_in, shot


def test_department_reviewer_claims_and_clears(page: Any, live_server: LiveServer) -> None:
    nid = live_server.seeded.at_joint_review
    log_in(page, live_server, "jjjc")
    assert page.url.endswith("/inbox")
    queue_row = page.locator("tr", has_text="张联审")
    assert queue_row.count() == 1
    assert "李公示" not in page.content()  # a finished task is not in the queue
    shot(page, "reviewer-inbox")

    queue_row.get_by_role("button", name="认领").click()
    page.wait_for_url("**/tasks/*")
    assert "已认领" in page.content()
    shot(page, "reviewer-task")

    page.get_by_role("button", name="同意（无异议）").click()  # one click: default opinion
    page.wait_for_url("**/inbox?done=*")
    assert "已办结" in page.locator(".flash.ok").inner_text()
    assert page.locator("tr", has_text="张联审").count() == 0

    page.goto(f"{live_server.url}/nominations/{nid}")
    timeline = page.locator("#timeline")
    assert timeline.locator("li[data-trigger=claim_task]").count() == 1
    cleared = timeline.locator("li[data-trigger=task_clear]")
    assert cleared.count() == 1
    assert "纪检审核员" in cleared.inner_text()
    assert "经核查，无不良记录" in cleared.inner_text()
    # The police have not answered yet: the nomination is still in joint review.
    assert page.locator("#workflow-diagram").get_attribute("data-current") == "joint_review"
    assert page.locator("svg #state-joint_review path").get_attribute("fill") == "#fde68a"
    shot(page, "reviewer-nomination")
