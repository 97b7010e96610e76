"""Every page a role has, in Chinese, shows no English word (codes only where they are meant).

Each role of the seeded campaign logs in and walks every link its pages offer (same site,
GET); the text a person reads — tags, scripts, styles and attribute values stripped — may
hold no Latin word outside an allow-list of proper tokens (XLSX, CSV, API, …), e-mail
addresses and the user names of the seed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.e2e.conftest import SeededDb
from tests.e2e.seed import ACCOUNTS, NOW, Seeded
from tests.e2e.test_pages_http import log_in
from tests.latin import latin_words, page_text
from web.app import create_app

USERNAMES = {a[0] for a in ACCOUNTS} | {"nc", "clerk"}
# Links that are not pages of the role: other languages, files and leaving.
SKIP = re.compile(r"^/(static|docs|openapi\.json|api|logout)|[?&]lang=")
HREF = re.compile(r'href="(/[^"#]*)')
MAX_PAGES = 60


@pytest.fixture
def site(seeded_db: SeededDb) -> Iterator[tuple[TestClient, Seeded]]:
    app = create_app(seeded_db.sf)
    app.state.clock = lambda: NOW
    with TestClient(app) as client:
        yield client, seeded_db.seeded


def _walk(client: TestClient, start: list[str]) -> dict[str, str]:
    """Every page reachable by links from the start pages: path -> HTML."""
    seen: dict[str, str] = {}
    todo = list(start)
    while todo and len(seen) < MAX_PAGES:
        path = todo.pop(0).replace("&amp;", "&")
        if path in seen or SKIP.search(path):
            continue
        answer = client.get(path)
        if "text/html" not in answer.headers.get("content-type", ""):
            continue
        seen[path] = answer.text
        todo += [h for h in HREF.findall(answer.text) if h not in seen]
    return seen


def _english(pages: dict[str, str]) -> dict[str, list[str]]:
    found = {path: latin_words(page_text(html), USERNAMES) for path, html in pages.items()}
    return {path: words for path, words in found.items() if words}


@pytest.mark.parametrize("username", [a[0] for a in ACCOUNTS])
def test_every_page_of_a_role_is_chinese(site: Any, username: str) -> None:
    client, _ = site
    log_in(client, username)
    # From the landing page, every link the role is offered: its pages, no one else's.
    pages = _walk(client, ["/"])
    assert len(pages) >= 3, list(pages)
    assert _english(pages) == {}


def test_error_pages_of_the_entry_points_are_chinese(site: Any) -> None:
    client, _ = site
    token = log_in(client, "jjjc")
    pages = {"/no-such-page": client.get("/no-such-page").text}
    forged = client.post("/tasks/1/claim", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    pages["csrf"] = forged.text
    invalid = client.post("/tasks/1/complete", data={"csrf_token": token})  # no outcome
    assert invalid.status_code == 422
    pages["form"] = invalid.text
    assert _english(pages) == {}


def test_domain_error_pages_are_chinese(site: Any) -> None:
    client, _ = site
    log_in(client, "jjjc")
    pages = {path: client.get(path).text for path in ("/nominations/999999", "/admin")}
    pages["/notice/nowhere"] = client.get("/notice/nowhere").text
    assert _english(pages) == {}


def test_public_pages_are_chinese(site: Any) -> None:
    client, _ = site
    pages = _walk(client, ["/login", "/notice", "/no-such-page"])
    assert _english(pages) == {}


def test_the_scan_catches_a_planted_english_word(site: Any, monkeypatch: Any) -> None:
    client, _ = site
    log_in(client, "admin")
    html = client.get("/admin").text
    assert _english({"/admin": html}) == {}
    planted = html.replace("</main>", "<p>Overdue tasks</p></main>", 1)
    assert _english({"/admin": planted}) == {"/admin": ["Overdue", "tasks"]}
    # Attribute values and scripts are not read, text in them is not a finding.
    hidden = html.replace("</main>", '<a title="Overdue">逾期</a><script>var x;</script></main>')
    assert _english({"/admin": hidden}) == {}


def test_the_office_list_and_its_bulk_results_are_chinese(site: Any) -> None:
    client, seeded = site
    token = log_in(client, "zhuanban")
    pages = {
        path: client.get(path).text
        for path in (
            "/office/nominations",
            "/office/nominations?stage=public_notice&flag=female&sort=-name&size=20",
            "/office/nominations?rule=prior_honour&q=%25",
            "/office/nominations?sort=password",  # refused: the field by its label
        )
    }
    ids = [str(seeded.under_notice), str(seeded.draft), "999999"]
    posted = client.post(
        "/office/nominations/bulk", data={"csrf_token": token, "trigger": "pass", "ids": ids}
    )
    pages["bulk"] = posted.text
    assert "批量操作结果" in posted.text
    assert _english(pages) == {}
