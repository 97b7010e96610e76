"""Pages at a phone's width without sideways scrolling, and switching the pages to English.

Screenshots of every page of every role at 375 and 1366 px go to tests/e2e/screenshots/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.e2e.conftest import LiveServer, SeededDb, log_in, shot
from tests.e2e.seed import ACCOUNTS, NOW
from tests.e2e.test_pages_http import log_in as http_log_in
from tests.e2e.test_pages_locale import _walk
from web.app import create_app


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


# Every page of every role, at a phone's width: nothing wider than the screen. The pages are
# those `test_pages_locale` finds by following each role's links, so a new page joins here.
PHONE, DESKTOP = 375, 1366
# Widest element that sticks out, for the failure message (scrolling boxes do not count).
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > limit + 0.5 && r.width > 0) {
      let p = el.parentElement, inside = false;
      while (p) { const s = getComputedStyle(p).overflowX;
        if (s === 'auto' || s === 'scroll' || s === 'hidden') { inside = true; break; }
        p = p.parentElement; }
      if (!inside) out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
    }
  }
  return out.slice(0, 5);
}"""


def role_pages(seeded_db: SeededDb, username: str) -> list[str]:
    """The pages a role reaches from its landing page (the locale scan's walk)."""
    app = create_app(seeded_db.sf)
    app.state.clock = lambda: NOW
    with TestClient(app) as client:
        http_log_in(client, username)
        return sorted(_walk(client, ["/"]))


def _name(username: str, path: str) -> str:
    return f"{username}{re.sub(r'[^A-Za-z0-9]+', '-', path)}".rstrip("-")


@pytest.mark.parametrize("username", [a[0] for a in ACCOUNTS])
def test_no_page_of_a_role_is_wider_than_a_phone(
    browser: Any, live_server: LiveServer, seeded_db: SeededDb, username: str
) -> None:
    paths = role_pages(seeded_db, username)
    assert len(paths) >= 3, paths
    too_wide = {}
    for width in (PHONE, DESKTOP):
        context = browser.new_context(
            viewport={"width": width, "height": 800}, locale="zh-CN", is_mobile=width == PHONE
        )
        context.set_default_timeout(10000)
        page = context.new_page()
        try:
            log_in(page, live_server, username)
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if width == PHONE and scroll > PHONE:
                    too_wide[path] = (scroll, page.evaluate(WIDEST))
                shot(page, f"layout-{width}-{_name(username, path)}")
        finally:
            context.close()
    assert too_wide == {}, too_wide
