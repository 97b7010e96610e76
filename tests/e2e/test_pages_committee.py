"""The committee page without a browser: who may open it, CSRF, and the refusals it shows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from models.db import make_session_factory
from tests.conftest import sqlite_engine
from tests.e2e.seed_committee import DECISION_DAY, CommitteeSeeded, seed_committee
from tests.e2e.test_pages_http import log_in
from tests.integration.flow import status
from web.app import create_app


@pytest.fixture
def committee_site(
    tmp_path: Path,
) -> Iterator[tuple[TestClient, CommitteeSeeded, sessionmaker[Session]]]:
    sf = make_session_factory(sqlite_engine(tmp_path))
    seeded = seed_committee(sf)
    app = create_app(sf)
    app.state.clock = lambda: DECISION_DAY
    with TestClient(app) as client:
        yield client, seeded, sf


def _form(token: str, seeded: CommitteeSeeded, reason: str = "考察发现问题") -> dict[str, Any]:
    ids = list(seeded.ids.values())
    return {
        "csrf_token": token, "campaign": "jx2026", "row": ids, "except": ids[:1],
        "reason": [reason] + [""] * (len(ids) - 1), "override_reason": "经研究同意",
        "awaiting": ids,
    }  # fmt: skip


def _undecided(sf: sessionmaker[Session], seeded: CommitteeSeeded) -> bool:
    return {status(sf, n).status for n in seeded.ids.values()} == {"committee"}


def test_only_the_secretary_and_admins_open_the_decision(committee_site: Any) -> None:
    client, _, _ = committee_site
    assert client.get("/committee", follow_redirects=False).status_code == 303  # log in first
    log_in(client, "secretary")
    assert client.get("/").url.path == "/committee"
    assert client.get("/committee?campaign=nope").status_code == 404
    for username in ("zhuanban", "nc-clerk"):
        client.cookies.clear()
        log_in(client, username)
        assert client.get("/committee").status_code == 403, username
    client.cookies.clear()
    log_in(client, "admin")
    assert "待审定名单" in client.get("/committee").text


def test_the_page_refuses_and_writes_nothing(committee_site: Any) -> None:
    client, seeded, sf = committee_site
    token = log_in(client, "secretary")
    forged = client.post("/committee/decide", data=_form("forged", seeded))
    assert forged.status_code == 403
    blank = client.post("/committee/confirm", data=_form(token, seeded, reason=" "))
    assert blank.status_code == 422 and "须逐一写明理由" in blank.text
    stale = {**_form(token, seeded), "awaiting": list(seeded.ids.values())[1:]}
    changed = client.post("/committee/decide", data=stale)
    assert changed.status_code == 409 and "请重新预览" in changed.text
    assert _undecided(sf, seeded)
    done = client.post("/committee/decide", data=_form(token, seeded))
    assert done.status_code == 200 and "表彰名单" in done.text
    again = client.post("/committee/decide", data=_form(token, seeded))
    assert again.status_code == 409 and "已经审定" in again.text
