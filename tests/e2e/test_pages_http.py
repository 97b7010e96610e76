"""The pages without a browser: CSRF, login, what the public and reviewers may see, i18n."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from config import catalogue
from models import PHASES
from tests.e2e.conftest import SeededDb
from tests.e2e.seed import NOW, PASSWORD, SECRET_ID_NUMBER, SECRET_PHONE, UNIT_EMAIL, Seeded
from web import i18n
from web.app import create_app
from web.pages.render import ERROR_KEYS
from workflow.services import users
from workflow.services.objections import SOURCES
from workflow.stages.registry import KINDS


@pytest.fixture
def site(seeded_db: SeededDb) -> Iterator[tuple[TestClient, Seeded]]:
    app = create_app(seeded_db.sf)
    app.state.clock = lambda: NOW
    with TestClient(app) as client:
        yield client, seeded_db.seeded


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def log_in(client: TestClient, username: str) -> str:
    """Log in; returns the session's CSRF token (from the landing page)."""
    token = _token(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return _token(client.get(answer.headers["location"]).text)


def test_pages_need_a_login(site: Any) -> None:
    client, seeded = site
    for path in ("/inbox", "/admin", "/unit", f"/nominations/{seeded.under_notice}"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?next=")


def test_login_without_csrf_token_is_refused(site: Any) -> None:
    client, _ = site
    client.get("/login")  # sets the double-submit cookie
    answer = client.post(
        "/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert answer.status_code == 403
    assert "<html" in answer.text  # the friendly error page, not JSON


def test_wrong_password_is_shown_on_the_form(site: Any) -> None:
    client, _ = site
    token = _token(client.get("/login").text)
    answer = client.post(
        "/login", data={"username": "admin", "password": "wrong-password", "csrf_token": token}
    )
    assert answer.status_code == 401
    assert "用户名或密码错误" in answer.text


def test_action_with_wrong_csrf_token_is_refused(site: Any) -> None:
    client, _ = site
    log_in(client, "jjjc")
    inbox = client.get("/inbox").text
    task_id = re.search(r"/tasks/(\d+)/claim", inbox)
    assert task_id
    answer = client.post(f"/tasks/{task_id.group(1)}/claim", data={"csrf_token": "forged"})
    assert answer.status_code == 403
    assert "已认领" not in client.get(f"/tasks/{task_id.group(1)}").text


def test_notice_shows_public_fields_only(site: Any) -> None:
    client, _ = site
    page = client.get("/notice").text
    # The objection form's hidden tokens and its question are random: leave them out, so a
    # figure checked below cannot turn up in them by chance.
    html = re.sub(r'<input type="hidden"[^>]*>|<label>验证题.*?</label>', "", page, flags=re.S)
    assert "李公示" in html and "公示时间" in html
    # The official notice shows no birth date, not even its year (public fields only).
    for secret in (SECRET_ID_NUMBER, SECRET_PHONE, UNIT_EMAIL, "1980", "93 / 97", "93"):
        assert secret not in html, secret
    assert "张联审" not in html and "王草稿" not in html  # not under notice


def test_public_objection_needs_the_cookie_token(site: Any) -> None:
    client, seeded = site
    client.get("/notice/jx2026")
    form = {
        "nomination_id": str(seeded.under_notice),
        "reporter_name": "赵举报",
        "contact": "13812345678",
        "content": "反映问题",
        "csrf_token": "forged",
    }
    assert client.post("/notice/jx2026/objections", data=form).status_code == 403


def test_department_reviewer_sees_masked_record(site: Any) -> None:
    client, seeded = site
    log_in(client, "jjjc")
    html = client.get(f"/nominations/{seeded.under_notice}").text
    assert "1980-**-**" in html
    assert SECRET_PHONE not in html and UNIT_EMAIL not in html
    # Discipline checks need the identity number (`sees_id_number` in the definition).
    assert SECRET_ID_NUMBER in html
    # A nomination the department has no task on does not exist for them (ids do not leak).
    assert client.get(f"/nominations/{seeded.draft}").status_code == 404


def test_admin_sees_unmasked_record(site: Any) -> None:
    client, seeded = site
    log_in(client, "admin")
    html = client.get(f"/nominations/{seeded.under_notice}").text
    assert "1980-01-01" in html and SECRET_ID_NUMBER in html


def test_clerk_sees_only_own_unit(site: Any) -> None:
    client, seeded = site
    log_in(client, "nc-clerk")
    html = client.get("/unit").text
    assert "张联审" in html and "王草稿" in html and "李公示" not in html
    assert client.get(f"/nominations/{seeded.under_notice}").status_code == 404


def test_missing_nomination_is_a_friendly_404(site: Any) -> None:
    client, _ = site
    log_in(client, "admin")
    answer = client.get("/nominations/9999")
    assert answer.status_code == 404
    assert "未找到" in answer.text and "<html" in answer.text


def test_recused_reviewer_sees_no_detail(site: Any) -> None:
    client, _ = site
    token = log_in(client, "jjjc")
    inbox = client.get("/inbox").text
    task_id = re.search(r"/tasks/(\d+)/claim", inbox).group(1)  # type: ignore[union-attr]
    answer = client.post(
        f"/tasks/{task_id}/conflict",
        data={"reason": "与被推荐人系亲属", "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    inbox = client.get("/inbox").text
    assert "张联审" not in inbox and "回避" in inbox
    detail = client.get(f"/tasks/{task_id}")
    assert detail.status_code == 403 and "张联审" not in detail.text


def test_every_ui_string_family_exists_in_the_catalogue() -> None:
    # Whole keys used by templates are checked in tests/unit/test_catalogue_usage.py;
    # here the families a template joins to a value ("outcome_" + x) and pages build.
    families = {
        "task_": ("open", "claimed", "done", "cancelled"),
        "outcome_": [o for kind in KINDS.values() for o in kind.outcomes],
        "default_opinion_": ("clear", "pass"),
        "role.": users.USER_ROLES,
        "phase_": PHASES,
        "source_": SOURCES,
        "objection.": ("open", "upheld", "dismissed"),
        "vocab.gender.": ("M", "F"),
        "composition_scope_": ("final", "submitted"),
        "unit_done_": ("resubmit", "submit", "finding"),
        "": [*ERROR_KEYS.values(), "error_500"],
    }
    keys = [i18n.msgid(p + v) for p, values in families.items() for v in values]
    assert not [k for k in keys if not catalogue.has(k)]
    for key in keys:
        assert i18n.t(key, "zh-CN") != i18n.t(key, "en"), key


def test_unit_import_lists_every_bad_row_and_imports_nothing(site: Any, tmp_path: Path) -> None:
    client, _ = site
    token = log_in(client, "nc-clerk")
    header = (
        (Path(__file__).resolve().parents[1] / "data" / "nominations_sample.csv")
        .read_text(encoding="utf-8")
        .splitlines()[0]
    )
    good = (
        "张好,M,1978-03-15,汉族,江铃汽车,enterprise,front_line_worker,none,nc,江西省劳动模范,"
        "main,no,no,,90,100,2025-11-03,2025-11-10,事迹,,,,,,,"
    )
    rows = [
        good,
        good.replace("张好", "李坏").replace(",M,", ",X,"),
        good.replace("张好", "赵坏").replace(",90,100,", ",120,100,"),
    ]
    form = tmp_path / "form.csv"
    form.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with form.open("rb") as upload:
        answer = client.post(
            "/unit/import",
            data={"csrf_token": token},
            files={"file": ("form.csv", upload, "text/csv")},
        )
    assert answer.status_code == 422
    table = answer.text.split('id="row-errors"')[1]
    assert ">3<" in table and ">4<" in table  # both bad rows (the header is row 1)
    assert ">2<" not in table  # the good row is not blamed
    assert "性别" in table and "赞成票" in table  # fields by their labels, reasons in Chinese
    assert "“X”不是可接受的值，应为男或女" in table
    assert "赞成票120票多于总票数100票" in table
    assert "张好" not in client.get("/unit").text  # all or nothing
