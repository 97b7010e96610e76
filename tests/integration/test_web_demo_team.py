"""`honorflow web --demo` leaves the working team work to do: its inbox is not empty.

The demo used to answer every qualification check and inspection before it stopped, so the
team's account (`zhuanban`) opened an empty inbox; it now holds some of each back.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from demo.web_demo import PASSWORD, NoticeScenario, create_demo_users
from tests.conftest import JIANGXI
from web.app import create_app

TODAY = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


def _log_in(client: TestClient, username: str) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    data = {"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303


def test_the_working_team_finds_qualification_checks_and_inspections_in_its_inbox(
    sqlite_sf: sessionmaker[Session],
) -> None:
    campaign_id = NoticeScenario(sqlite_sf, JIANGXI, today=TODAY).run()
    create_demo_users(sqlite_sf, campaign_id, TODAY)
    app = create_app(sqlite_sf)
    app.state.clock = lambda: TODAY
    with TestClient(app) as client:
        _log_in(client, "zhuanban")
        counts = {
            stage: client.get(f"/api/tasks?stage={stage}&limit=1").json()["total"]
            for stage in ("qualification", "inspection", "joint_review")
        }
        inbox = client.get("/inbox?stage=qualification")
    assert counts["qualification"] > 0 and counts["inspection"] > 0, counts
    assert counts["joint_review"] == 0  # the departments' tasks are not the team's
    assert inbox.status_code == 200
    assert "资格初审" in inbox.text and inbox.text.count('data-task="') > 0
