"""Rate limits hold: forwarded addresses count only from trusted proxies, logins are limited per
account and per address, and every process counts in the one database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cli.commands_web import proxy_options
from config import wiring
from config.settings import Settings
from tests.web.conftest import NOW, PASSWORD, error, make_app
from tests.web.hardening import Small, add_accounts, small_world

OBJECTION = {"nomination_id": 1, "reporter_name": "李四", "contact": "138", "content": "反映"}


@pytest.fixture
def small(sf: sessionmaker[Session]) -> Iterator[Small]:
    yield from small_world(sf)


def login(client: TestClient, username: str, password: str, **headers: str) -> int:
    body = {"username": username, "password": password}
    return client.post("/api/auth/token", json=body, headers=headers).status_code


def test_rotating_x_forwarded_for_does_not_reset_the_login_limit(small: Small) -> None:
    codes = [
        login(small.client, "admin", "wrong-password", **{"X-Forwarded-For": f"10.9.{i}.1"})
        for i in range(7)
    ]
    assert codes == [401] * 5 + [429] * 2
    assert login(small.client, "admin", PASSWORD, **{"X-Forwarded-For": "10.9.99.1"}) == 429


def test_rotating_x_forwarded_for_does_not_reset_the_objection_limit(small: Small) -> None:
    codes = [
        small.client.post(
            "/api/notice/none/objections",
            json=OBJECTION,
            headers={"X-Forwarded-For": f"172.16.0.{i}"},
        ).status_code
        for i in range(12)
    ]
    assert codes == [404] * 10 + [429] * 2  # each refused objection still counted


def test_spraying_many_accounts_from_one_address_is_stopped(small: Small) -> None:
    codes = [login(small.client, f"user{i}", "Spring2026!") for i in range(20)]
    assert codes == [401] * 10 + [429] * 10
    answer = small.client.post("/api/auth/token", json={"username": "team", "password": PASSWORD})
    assert answer.status_code == 429 and error(answer)["code"] == "too_many_requests"
    elsewhere = TestClient(small.app, client=("192.0.2.7", 4000))
    assert login(elsewhere, "team", PASSWORD) == 200  # the account itself is not locked


def test_a_guessed_account_is_locked_whatever_the_address(small: Small) -> None:
    for i in range(5):
        client = TestClient(small.app, client=(f"192.0.2.{i}", 4000))
        assert login(client, "team", "wrong-password") == 401
    assert login(TestClient(small.app, client=("198.51.100.1", 1)), "team", PASSWORD) == 429
    small.app.state.clock.now = NOW + timedelta(minutes=5, seconds=1)  # the window has passed
    assert login(TestClient(small.app, client=("198.51.100.1", 1)), "team", PASSWORD) == 200


def test_two_app_instances_on_one_database_share_the_count(
    small: Small, sf: sessionmaker[Session]
) -> None:
    other = make_app(sf)
    with TestClient(other) as second:
        for client in (small.client, second, small.client, second, small.client):
            assert login(client, "admin", "wrong-password") == 401
        assert login(second, "admin", PASSWORD) == 429
        assert login(small.client, "admin", PASSWORD) == 429


def trusting(sf: sessionmaker[Session], proxies: list[str]) -> FastAPI:
    app = make_app(sf)
    app.state.wiring = wiring.over(sf, Settings(trusted_proxies=proxies))
    return app


def test_behind_a_trusted_proxy_the_right_most_untrusted_address_counts(
    sqlite_sf: sessionmaker[Session],
) -> None:
    add_accounts(sqlite_sf, {"admin": {"role": "admin"}})
    app = trusting(sqlite_sf, ["10.0.0.0/8"])
    proxy = TestClient(app, client=("10.0.0.2", 4000))
    # The client writes what it likes on the left; the proxies append what they saw.
    for i in range(10):
        spoofed = {"X-Forwarded-For": f"203.0.113.{i}, 198.51.100.5, 10.1.1.1"}
        assert login(proxy, f"user{i}", "wrong-password", **spoofed) == 401
    assert login(proxy, "admin", PASSWORD, **{"X-Forwarded-For": "198.51.100.5"}) == 429
    # Another real client behind the same proxy is not affected.
    assert login(proxy, "admin", PASSWORD, **{"X-Forwarded-For": "198.51.100.6"}) == 200


def test_an_untrusted_peer_cannot_forward(sqlite_sf: sessionmaker[Session]) -> None:
    add_accounts(sqlite_sf, {"admin": {"role": "admin"}})
    app = trusting(sqlite_sf, ["10.0.0.0/8"])
    direct = TestClient(app, client=("198.51.100.9", 4000))
    for i in range(10):
        assert login(direct, f"u{i}", "x", **{"X-Forwarded-For": f"10.0.{i}.1"}) == 401
    assert login(direct, "admin", PASSWORD, **{"X-Forwarded-For": "10.0.0.50"}) == 429


def test_uvicorn_reads_forwarded_headers_only_from_trusted_proxies() -> None:
    assert proxy_options(Settings()) == {"proxy_headers": False}
    assert proxy_options(Settings(trusted_proxies=["10.0.0.1", "fd00::/8"])) == {
        "proxy_headers": True,
        "forwarded_allow_ips": "10.0.0.1,fd00::/8",
    }
    with pytest.raises(ValueError, match="not-an-address"):
        Settings(trusted_proxies=["not-an-address"])
