"""The public notice: anyone may read it and object, and it shows public fields only."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import LiveServer, log_in, shot
from tests.e2e.seed import SECRET_ID_NUMBER, SECRET_PHONE, UNIT_EMAIL


def answer_the_question(page: Any) -> None:
    """Work out the form's sum, as a person would."""
    found = re.search(r"(\d+) 加 (\d+)", page.locator("form[action$=objections]").inner_text())
    assert found, "the form asks no question"
    page.fill("input[name=answer]", str(int(found.group(1)) + int(found.group(2))))


def test_public_objection_reaches_the_timeline(page: Any, live_server: LiveServer) -> None:
    nid = live_server.seeded.under_notice
    page.goto(f"{live_server.url}/notice")
    assert "/notice/jx2026" in page.url
    html = page.content()
    assert "李公示" in html
    for secret in (SECRET_ID_NUMBER, SECRET_PHONE, UNIT_EMAIL, "93 / 97", "张联审"):
        assert secret not in html
    shot(page, "notice")

    page.select_option("select[name=nomination_id]", str(nid))
    page.fill("input[name=reporter_name]", "赵举报")
    page.fill("input[name=contact]", "13812345678")
    page.fill("textarea[name=content]", "事迹材料中的获奖年份与实际不符")
    answer_the_question(page)
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_url("**/notice/jx2026?sent=*")
    answer = page.locator(".flash.ok").inner_text()
    assert "异议已收到" in answer
    reference = re.search(r"受理编号：(\d{4}-[0-9A-Z]{8})", answer)
    assert reference, answer  # the objector is told the number to quote
    assert "office@example.org" in answer  # and where to follow the case
    assert "13812345678" not in page.content()  # the reporter's contact is not echoed back
    shot(page, "notice-sent")

    log_in(page, live_server, "admin", f"/nominations/{nid}")
    assert page.url.endswith(f"/nominations/{nid}")
    event = page.locator("#timeline li[data-trigger=record_objection]")
    assert event.count() == 1
    assert "公众" in event.inner_text()
    objections = page.content()
    assert "事迹材料中的获奖年份与实际不符" in objections
    assert "13812345678" in objections  # the administrator sees the contact unmasked
    assert reference.group(1) in objections  # and the reference the objector was given
    shot(page, "admin-nomination-objection")


def test_objection_without_contact_is_refused(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/notice/jx2026")
    page.fill("input[name=reporter_name]", "赵举报")
    page.fill("input[name=contact]", "   ")
    page.fill("textarea[name=content]", "反映问题")
    answer_the_question(page)
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_load_state()
    assert "请填写真实姓名、联系方式" in page.locator(".flash.error").inner_text()


def test_an_objection_is_sent_with_script_off(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/notice/jx2026")
        page.select_option("select[name=nomination_id]", str(live_server.seeded.under_notice))
        page.fill("input[name=reporter_name]", "钱举报")
        page.fill("input[name=contact]", "13800000000")
        page.fill("textarea[name=content]", "反映问题")
        answer_the_question(page)
        page.get_by_role("button", name="提交异议").click()
        page.wait_for_url("**/notice/jx2026?sent=*")
    finally:
        context.close()
