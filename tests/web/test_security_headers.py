"""Security headers on every answer, Secure cookies by setting or https, the password policy."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from config import wiring
from config.settings import Settings
from models.uow import UnitOfWork
from tests.conftest import ADMIN
from tests.integration import flow
from tests.web.conftest import PASSWORD
from tests.web.hardening import Small, small_world
from workflow.errors import InvalidState
from workflow.password_policy import password_problems
from workflow.services import users


@pytest.fixture
def small(sqlite_sf: sessionmaker[Session]) -> Iterator[Small]:
    yield from small_world(sqlite_sf)


@pytest.mark.parametrize("path", ["/login", "/api/me", "/healthz", "/notice", "/no-such-page"])
def test_every_answer_forbids_framing_and_sniffing(small: Small, path: str) -> None:
    answer = small.client.get(path)
    assert answer.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"


def session_cookie(small: Small) -> str:
    client = TestClient(small.app, base_url="https://testserver")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    data = {"username": "admin", "password": PASSWORD, "csrf_token": token.group(1)}
    landed = client.post("/login", data=data, follow_redirects=False)
    return ";".join(landed.headers.get_list("set-cookie"))


@pytest.mark.parametrize(
    ("settings", "secure"),
    [
        ({}, False),
        ({"site_url": "https://laomo.example.org"}, True),
        ({"site_url": "https://laomo.example.org", "cookie_secure": False}, False),
        ({"cookie_secure": True}, True),
    ],
)
def test_session_cookies_are_secure_by_setting_or_https(
    small: Small, sqlite_sf: sessionmaker[Session], settings: dict, secure: bool
) -> None:
    small.app.state.wiring = wiring.over(sqlite_sf, Settings(**settings))
    cookies = session_cookie(small)
    assert "honorflow_session=" in cookies
    assert ("secure" in cookies.lower()) is secure


@pytest.mark.parametrize(
    "password",
    ["short-pw-1", "123456789012345", "Password123456!", "qwertyuiop!!", "aaaaaaaaaaaaaa",
     "zhangsan-2026-pw"],
)  # fmt: skip
def test_weak_passwords_are_refused(sqlite_sf: sessionmaker[Session], password: str) -> None:
    with UnitOfWork(sqlite_sf) as uow, pytest.raises(InvalidState) as refused:
        users.create_user(
            uow, username="zhangsan", display_name="张三", password=password,
            role="admin", actor=ADMIN, now=flow.T0,
        )  # fmt: skip
    assert "密码" in refused.value.text("zh-CN")


def test_the_policy_names_each_reason() -> None:
    assert [m.code for m in password_problems("12345678")] == [
        "user_problem.password_short",
        "user_problem.password_digits",
    ]
    assert password_problems("correct horse battery", "admin") == []
    assert password_problems("river-lantern-7731") == []
