"""Bounded imports and one input model over the web: the import (API and page), the API's body
and the page form refuse the same values naming the field; big files give short answers; ids
out of range are 404 and NUL characters 422 — on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient

from config.catalogue import label
from tests.unit.import_forms import GOOD
from tests.unit.test_importing_caps import huge_cell_xlsx
from tests.web.conftest import PASSWORD, World, error
from workflow.errors import ImportFailed
from workflow.importing import MAX_ROWS, MAX_UNPACKED

BIG = "99999999999999999999999"


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(rows[0]))
    writer.writerows([list(r.values()) for r in rows])
    return out.getvalue().encode()


def api_import(world: World, name: str, data: bytes, who: str = "clerk_nc") -> Any:
    return world.client.post(
        "/api/nominations/import",
        files={"file": (name, data, "text/csv")},
        data={"campaign": "jx2026"},
        headers=world.h(who),
    )


def page_client(world: World, who: str) -> tuple[TestClient, str]:
    """A client logged in to the pages, and its CSRF token (from the unit's page)."""
    client = TestClient(world.app, raise_server_exceptions=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    data = {"username": who, "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/unit").text)
    assert csrf
    return client, csrf.group(1)


def test_a_twenty_million_character_cell_gets_a_short_422(world: World) -> None:
    data = huge_cell_xlsx(20_000_000)
    answer = api_import(world, "bomb.xlsx", data)
    assert answer.status_code == 422 and error(answer)["code"] == "import_failed"
    assert len(answer.content) < 10_000 and "aaaa" not in answer.text
    client, csrf = page_client(world, "clerk_nc")
    page = client.post(
        "/unit/import", files={"file": ("bomb.xlsx", data)}, data={"csrf_token": csrf}
    )
    assert page.status_code == 422 and "aaaa" not in page.text and len(page.content) < 100_000


def test_many_errors_give_the_first_and_a_count(world: World) -> None:
    header = ",".join(GOOD)
    # The 40 KB file: refused on the row cap at once.
    rows = api_import(world, "rows.csv", (header + "\n" + "x\n" * 20_000).encode())
    assert rows.status_code == 422 and str(MAX_ROWS) in error(rows)["message"]
    assert len(rows.content) < 10_000
    many = api_import(world, "many.csv", (header + "\n" + "x\n" * MAX_ROWS).encode())
    message = error(many)["message"]
    assert many.status_code == 422 and "处错误未列出" in message
    assert message.count("many.csv:") == ImportFailed.REPORTED
    assert len(many.content) < 30_000


def test_a_file_past_the_unpacked_cap_is_413(world: World) -> None:

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"0" * (MAX_UNPACKED + 1))
    answer = api_import(world, "bomb.xlsx", out.getvalue())
    assert answer.status_code == 413 and error(answer)["code"] == "too_large"


# (the field, the values that make it wrong), the same on every surface.
BAD: list[tuple[str, dict[str, Any]]] = [
    ("name", {"name": "   "}),
    ("name", {"name": "王\u2028伟"}),
    ("votes_for", {"votes_for": "500", "votes_total": "10"}),
    ("unit_notice_end", {"unit_notice_start": "2025-11-10", "unit_notice_end": "2025-11-03"}),
    ("birth_date", {"birth_date": "0001-01-01"}),
    ("birth_date", {"birth_date": "9999-12-31"}),
    ("birth_date", {"birth_date": "2020-01-01"}),  # six years old
]

API_NOMINEE = {
    "name": "新人庚",
    "birth_date": "1985-06-01",
    "gender": "F",
    "employer": "南昌轨道交通",
    "category": "technician",
    "votes_for": 80,
    "votes_total": 100,
    "unit_notice_start": "2025-11-03",
    "unit_notice_end": "2025-11-10",
}
FORM = {
    "rank": "main",
    "name": "页面新增",
    "gender": "F",
    "birth_date": "1984-02-03",
    "ethnicity": "汉族",
    "employer": "南昌地铁",
    "employer_type": "enterprise",
    "category": "technician",
    "official_level": "none",
    "honor": "江西省劳动模范",
    "votes_for": "80",
    "votes_total": "90",
    "unit_notice_start": "2025-11-03",
    "unit_notice_end": "2025-11-10",
    "summary": "事迹",
}


@pytest.mark.parametrize(("field", "bad"), BAD, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD)])
def test_import_api_and_page_refuse_alike(world: World, field: str, bad: dict[str, Any]) -> None:
    row = dict(GOOD, recommending_unit="nc", unit_notice_start="2025-11-03")
    row.update({"unit_notice_end": "2025-11-10", **bad})
    imported = api_import(world, "form.csv", csv_bytes([row]))
    assert imported.status_code == 422, imported.text
    assert f"form.csv:2: {_label(field)}:" in error(imported)["message"]

    nominee = dict(API_NOMINEE)
    nominee.update({k: int(v) if k.startswith("votes") else v for k, v in bad.items()})
    body = {"campaign": "jx2026", "unit_code": "nc", "summary": "事迹", "nominee": nominee}
    created = world.client.post("/api/nominations", json=body, headers=world.h("clerk_nc"))
    assert created.status_code == 422, created.text
    assert error(created)["field"] == f"body.nominee.{field}"

    client, csrf = page_client(world, "clerk_nc")
    page = client.post("/unit/nominations/new", data={**FORM, **bad, "csrf_token": csrf})
    assert page.status_code == 422, page.text
    assert f'id="error-{field}"' in page.text


def _label(field: str) -> str:
    return label("field", field, "zh-CN")


def test_ids_out_of_range_are_not_found(world_both: World) -> None:
    h = world_both.h("admin")
    for path in (
        f"/api/nominations/{BIG}",
        f"/api/nominations/-{BIG}",
        f"/api/nominations/{BIG}/objections",
        f"/api/tasks/{BIG}",
        f"/api/objections/{BIG}",
        f"/api/attachments/{BIG}",
        f"/api/campaigns/{BIG}/quota",
        f"/api/definitions/{BIG}/diagram",
    ):
        answer = world_both.client.get(path, headers=h)
        assert answer.status_code == 404 and error(answer)["code"] == "not_found", path
    posted = world_both.client.post(f"/api/tasks/{BIG}/claim", headers=h)
    assert posted.status_code == 404
    client, _ = page_client(world_both, "admin")
    for path in (f"/nominations/{BIG}", f"/tasks/{BIG}", f"/objections/{BIG}"):
        assert client.get(path).status_code == 404, path
    # The largest id a column holds is an ordinary unknown id.
    assert world_both.client.get(f"/api/nominations/{2**31 - 1}", headers=h).status_code == 404


def test_nul_is_422_never_500(world_both: World) -> None:
    h = world_both.h("admin")
    nominee = dict(API_NOMINEE, name="王\x00伟")
    body = {"campaign": "jx2026", "unit_code": "nc", "summary": "事迹", "nominee": nominee}
    created = world_both.client.post("/api/nominations", json=body, headers=h)
    assert created.status_code == 422 and error(created)["code"] == "invalid"
    for path in ("/api/nominations?q=%00", "/api/campaigns/a%00b/quota", "/api/tasks?q=a%01"):
        assert world_both.client.get(path, headers=h).status_code == 422, path
    reason = world_both.client.post(
        f"/api/nominations/{world_both.n['draft_nc']}/conflicts",
        json={"reason": "理由\u0000"},
        headers=world_both.h("police"),
    )
    assert reason.status_code == 422
    campaign = world_both.client.post(
        "/api/nominations/import",
        files={"file": ("f.csv", csv_bytes([GOOD]), "text/csv")},
        data={"campaign": "jx\x002026"},
        headers=h,
    )
    assert campaign.status_code == 422
    imported = api_import(world_both, "nul.csv", csv_bytes([dict(GOOD, name="王\x00伟")]), "admin")
    assert imported.status_code == 422 and "nul.csv:2: 姓名:" in error(imported)["message"]
    client, csrf = page_client(world_both, "clerk_nc")
    page = client.post(
        "/unit/nominations/new", data={**FORM, "name": "王\x00伟", "csrf_token": csrf}
    )
    assert page.status_code == 422
    multipart = client.post(  # a form with files: its text fields are checked as it is read
        "/office/objections",
        data={"csrf_token": csrf, "content": "内容\x00", "nomination_id": "1"},
        files={"file": ("a.pdf", b"%PDF-1.4 x")},
    )
    assert multipart.status_code == 422 and "请求中含有空字符或其他控制字符" in multipart.text
    # Tabs and line breaks stay allowed in long texts.
    fine = dict(body, nominee=dict(API_NOMINEE), summary="第一段\n第二段\t完")
    assert world_both.client.post("/api/nominations", json=fine, headers=h).status_code == 201
