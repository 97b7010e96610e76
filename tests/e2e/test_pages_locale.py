"""Every page a role has, in Chinese, shows no English word (codes only where they are meant).

Each role of the seeded campaign logs in and walks every link its pages offer (same site,
GET); the text a person reads — tags, scripts, styles and attribute values stripped — may
hold no Latin word outside an allow-list of proper tokens (XLSX, CSV, API, …), e-mail
addresses and the user names of the seed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from models import Campaign
from models.db import make_session_factory
from models.uow import UnitOfWork
from tests.conftest import sqlite_engine
from tests.e2e.conftest import SeededDb
from tests.e2e.seed import ACCOUNTS, NOW, Seeded
from tests.e2e.seed_committee import DECISION_DAY, seed_committee
from tests.e2e.seed_objections import GZ_CLERK, answered_objection, seed_objection_people
from tests.e2e.test_pages_http import log_in
from tests.latin import latin_words, page_text
from web.app import create_app

USERNAMES = {a[0] for a in ACCOUNTS} | {"nc", "clerk"}
# Links that are not pages of the role: other languages, files and leaving.
SKIP = re.compile(r"^/(static|docs|openapi\.json|api|logout)|[?&]lang=")
HREF = re.compile(r'href="(/[^"#]*)')
MAX_PAGES = 60
HOUR = timedelta(hours=1)


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


def test_the_campaign_set_up_pages_are_chinese(site: Any) -> None:
    client, _ = site
    token = log_in(client, "admin")
    paths = ("/admin/campaigns", "/admin/campaigns/jx2026", "/admin/campaigns/jx2026?done=rules")
    pages = {path: client.get(path).text for path in paths}
    refused_row = {"csrf_token": token, "q0.unit_code": "nc", "q0.unit_name": "南昌市总工会",
                   "q0.places": "三", "q0.email": "坏地址"}  # fmt: skip
    pages["quota refused"] = client.post("/admin/campaigns/jx2026/quota", data=refused_row).text
    bad_code = {"csrf_token": token, "code": "坏代码", "title": "评选",
                "definition": "jiangxi-labour-model@1", "reference_date": "2026-03-01"}  # fmt: skip
    pages["create refused"] = client.post("/admin/campaigns", data=bad_code).text
    assert "坏代码" in pages["create refused"]
    assert "不是大于或等于0的整数" in pages["quota refused"]
    assert _english(pages) == {}


def test_public_pages_are_chinese(site: Any) -> None:
    client, _ = site
    pages = _walk(client, ["/login", "/notice", "/no-such-page"])
    assert _english(pages) == {}


def test_the_committee_pages_are_chinese(tmp_path: Path) -> None:
    """The decision page at every step: list, preview, refusal, confirmation, final list."""
    sf = make_session_factory(sqlite_engine(tmp_path))
    ids = list(seed_committee(sf).ids.values())
    app = create_app(sf)
    app.state.clock = lambda: DECISION_DAY
    with TestClient(app) as client:
        token = log_in(client, "secretary")
        pages = _walk(client, ["/committee"])
        form = {"csrf_token": token, "campaign": "jx2026", "row": ids, "except": ids[:1]}
        form["reason"] = ["考察发现问题"] + [""] * (len(ids) - 1)
        pages["preview"] = client.post("/committee/preview", data=form).text
        pages["refused"] = client.post("/committee/confirm", data=form).text
        form["override_reason"] = "经研究同意"
        pages["confirm"] = client.post("/committee/confirm", data=form).text
        pages["final"] = client.post("/committee/decide", data={**form, "awaiting": ids}).text
    assert "表彰名单" in pages["final"]
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


def test_the_units_nominee_form_and_its_refusals_are_chinese(
    site: Any, seeded_db: SeededDb
) -> None:
    client, seeded = site
    token = log_in(client, "nc-clerk")
    paths = ("/unit", "/unit/nominations/new", f"/unit/nominations/{seeded.draft}/edit")
    pages = {path: client.get(path).text for path in paths}
    closed = f"/unit/nominations/{seeded.at_joint_review}/edit"  # no longer the unit's to edit
    pages[closed] = client.get(closed).text
    invalid = client.post(
        "/unit/nominations/new", data={"csrf_token": token, "votes_for": "9", "votes_total": "3"}
    )
    assert invalid.status_code == 422
    pages["invalid"] = invalid.text
    with UnitOfWork(seeded_db.sf) as uow:  # the deadline passed: the intake says why it closed
        uow.session.get_one(Campaign, seeded.campaign_id).submission_deadline = NOW - HOUR
        uow.commit()
    pages["closed"] = client.get("/unit").text
    assert 'id="intake-closed"' in pages["closed"]
    assert "field-error" in invalid.text and _english(pages) == {}


def test_the_reviewers_work_pages_are_chinese(site: Any) -> None:
    """What the walk cannot reach by a link: a filtered and searched inbox, a claimed task with
    its release button, the release notice, the veto's confirmation and its refusal."""
    client, _ = site
    token = log_in(client, "jjjc")
    pages = {
        path: client.get(path).text
        for path in ("/inbox?q=联审&state=open&overdue=true&per=5&page=2", "/inbox?stage=")
    }
    task = re.search(r'action="/tasks/(\d+)/claim"', client.get("/inbox").text)
    assert task, "the seeded joint-review task is in the inbox"
    task_id = task.group(1)
    pages["claimed"] = client.post(f"/tasks/{task_id}/claim", data={"csrf_token": token}).text
    pages["released"] = client.post(f"/tasks/{task_id}/release", data={"csrf_token": token}).text
    pages["not claimed"] = client.post(f"/tasks/{task_id}/release", data={"csrf_token": token}).text
    veto = {"csrf_token": token, "outcome": "object", "opinion": "有违纪记录"}
    pages["veto"] = client.post(f"/tasks/{task_id}/complete", data=veto).text
    blank = {**veto, "opinion": " ", "confirmed": "yes"}
    pages["veto refused"] = client.post(f"/tasks/{task_id}/complete", data=blank).text
    pages["bad filter"] = client.get("/inbox?state=everything").text
    assert "确认否决" in pages["veto"] and "已释放" in pages["released"]
    assert _english(pages) == {}


@pytest.mark.parametrize("username", ["zhuanban", "admin", "gz-clerk"])
def test_the_objection_pages_are_chinese(site: Any, username: str, tmp_path: Path) -> None:
    client, seeded = site
    sf = client.app.state.wiring.session_factory
    seed_objection_people(sf, seeded)
    objection = answered_objection(sf, seeded.under_notice, tmp_path)
    log_in(client, username)
    start = ["/", f"/objections/{objection}", f"/nominations/{seeded.under_notice}"]
    pages = _walk(client, start + (["/office/objections"] if username != "gz-clerk" else []))
    assert f"/objections/{objection}" in pages
    found = {
        path: latin_words(page_text(html), USERNAMES | {GZ_CLERK, "gz"})
        for path, html in pages.items()
    }
    assert {path: words for path, words in found.items() if words} == {}


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
