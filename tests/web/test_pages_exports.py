"""The pages offer the export buttons a person may use, and each button downloads its file
with the page's own session."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, World

BASE = "/api/campaigns/jx2026/exports"


def logged_in(world: World, who: str) -> TestClient:
    client = TestClient(world.app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    data = {"username": who, "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303
    return client


def buttons(html: str) -> list[str]:
    """The addresses of the page's export buttons, in order."""
    return re.findall(r'id="export-[a-z_]+" href="([^"]+)"', html)


def test_each_page_offers_what_its_viewer_may_have(world: World) -> None:
    admin = logged_in(world, "admin")
    page = admin.get("/admin/campaigns/jx2026").text
    assert buttons(page) == [f"{BASE}/{k}.xlsx" for k in
                             ("summary", "composition", "funnel", "workload")]  # fmt: skip
    assert "下载推荐对象汇总表（XLSX）" in page  # not yet decided: no final list
    dashboard = admin.get("/admin?campaign=jx2026").text
    assert f"{BASE}/funnel.xlsx" in buttons(dashboard)
    office = admin.get("/office/nominations?campaign=jx2026").text
    assert buttons(office) == [f"{BASE}/summary.xlsx", f"{BASE}/composition.xlsx"]
    clerk = logged_in(world, "clerk_nc")
    unit = clerk.get("/unit").text
    assert buttons(unit) == [f"{BASE}/summary.xlsx", f"{BASE}/composition.xlsx"]
    got = clerk.get(f"{BASE}/summary.xlsx")  # the page's session cookie is enough to download
    assert got.status_code == 200 and got.content[:2] == b"PK"
    secretary = logged_in(world, "secretary").get("/committee?campaign=jx2026").text
    assert buttons(secretary) == [f"{BASE}/summary.xlsx", f"{BASE}/composition.xlsx"]
    assert buttons(logged_in(world, "police").get("/office/nominations?campaign=jx2026").text) == []
