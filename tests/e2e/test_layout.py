"""A phone-size inbox without sideways scrolling, and switching the pages to English."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import LiveServer, log_in, shot


def test_inbox_fits_a_phone(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    try:
        log_in(page, live_server, "jjjc")
        assert page.url.endswith("/inbox")
        assert page.locator("text=张联审").is_visible()
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px screen"
        shot(page, "phone-inbox")
        page.goto(f"{live_server.url}/nominations/{live_server.seeded.at_joint_review}")
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1]
        shot(page, "phone-nomination")
    finally:
        context.close()


def test_switch_to_english_is_remembered(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/notice/jx2026")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "How to object" in page.content()
    page.goto(f"{live_server.url}/login")  # no ?lang=: the cookie keeps English
    assert page.get_by_role("button", name="Log in").is_visible()
    shot(page, "english-login")
    log_in(page, live_server, "jjjc")
    assert "My department's queue" in page.content()
    page.get_by_role("link", name="中文").click()
    page.wait_for_load_state()
    assert "本部门待审队列" in page.content()
