"""Rate limits hold: forwarded addresses count only from trusted proxies, logins are limited per
account (lockout with back-off) and per address, and app instances over one Redis count together."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cli.commands_web import proxy_options
from config import wiring
from config.settings import Settings
from models.uow import UnitOfWork
from tests.web.conftest import NOW, PASSWORD, error, make_app
from tests.web.hardening import Small, add_accounts, small_world
from web import ratelimit
from workflow.errors import AuthenticationFailed, TooManyAttempts
from workflow.services import rate_limits
from workflow.services.rate_limits import Figures, Limiter

OBJECTION = {"nomination_id": 1, "reporter_name": "李四", "contact": "138", "content": "反映"}
REDIS = "redis://127.0.0.1:6379/2"
UNTIL = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\d{1,2}时(\d{1,2}分)?（北京时间）之后")


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
    assert codes == [422] * 10 + [429] * 2  # each refused objection still counted


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
    right = TestClient(small.app, client=("198.51.100.1", 1)).post(
        "/api/auth/token", json={"username": "team", "password": PASSWORD}
    )
    assert right.status_code == 429
    assert UNTIL.search(error(right)["message"]), error(right)["message"]


def test_an_unknown_name_is_answered_like_a_real_one(small: Small) -> None:
    answers = {}
    for name in ("team", "nobody-here"):
        for i in range(6):
            client = TestClient(small.app, client=(f"192.0.2.{i}", 4000))
            got = client.post("/api/auth/token", json={"username": name, "password": "wrong-1"})
        answers[name] = (got.status_code, error(got)["code"], UNTIL.sub("…", error(got)["message"]))
    assert answers["team"] == answers["nobody-here"]
    assert answers["team"][0] == 429


def test_the_login_page_says_until_when(small: Small) -> None:
    page = TestClient(small.app, raise_server_exceptions=False)
    for _ in range(6):
        form = page.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token
        data = {"username": "admin", "password": "wrong-1", "csrf_token": token.group(1)}
        answer = page.post("/login", data=data, follow_redirects=False)
    assert answer.status_code == 429 and UNTIL.search(answer.text)


def _locked_for(limiter: Limiter, sf: sessionmaker[Session], name: str, failures: int) -> float:
    """Fail `failures` logins of `name`; the seconds its lockout then lasts."""
    for _ in range(failures):
        with UnitOfWork(sf) as uow, pytest.raises(AuthenticationFailed):
            rate_limits.login(uow, limiter, name, "wrong-1", "192.0.2.1", NOW)
    until = rate_limits.locked_until(limiter, name)
    assert until is not None
    return until.timestamp() - time.time()


def test_each_further_lockout_doubles_up_to_the_maximum(sqlite_sf: sessionmaker[Session]) -> None:
    figures = Figures(
        login_failures_per_account=2,
        login_failures_per_address=100,
        lockout=timedelta(seconds=1),
        lockout_max=timedelta(seconds=2),
    )
    limiter = Limiter("memory://", figures)
    first = _locked_for(limiter, sqlite_sf, "someone", 2)
    assert 0.5 < first <= 1.0
    with UnitOfWork(sqlite_sf) as uow, pytest.raises(TooManyAttempts):  # refused unchecked
        rate_limits.login(uow, limiter, "SomeOne", "wrong-1", "192.0.2.9", NOW)
    time.sleep(first + 0.05)
    second = _locked_for(limiter, sqlite_sf, "someone", 2)
    assert 1.5 < second <= 2.0  # doubled
    time.sleep(second + 0.05)
    third = _locked_for(limiter, sqlite_sf, "someone", 2)
    assert 1.5 < third <= 2.0  # the maximum
    time.sleep(third + 0.05)
    add_accounts(sqlite_sf, {"someone": {"role": "admin"}})
    with UnitOfWork(sqlite_sf) as uow:
        rate_limits.login(uow, limiter, "someone", PASSWORD, "192.0.2.1", NOW)
    assert 0.5 < _locked_for(limiter, sqlite_sf, "someone", 2) <= 1.0  # back-off forgiven


@pytest.fixture
def shared_redis() -> Iterator[tuple[Settings, str]]:
    """Settings over the real Redis, and a key prefix of this test alone (removed after)."""
    prefix = f"test-{uuid.uuid4().hex}"
    yield Settings(rate_limit_storage=REDIS, challenge_key="k" * 32), prefix
    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def test_two_app_instances_sharing_redis_share_the_count(
    small: Small, sf: sessionmaker[Session], shared_redis: tuple[Settings, str]
) -> None:
    other = make_app(sf)
    small.app.state.limiter = ratelimit.limiter(*shared_redis)
    other.state.limiter = ratelimit.limiter(*shared_redis)
    with TestClient(other) as second:
        for client in (small.client, second, small.client, second):
            assert login(client, "admin", "wrong-password") == 401
        assert login(small.client, "admin", PASSWORD) == 200  # four of five: not locked yet
        assert login(second, "admin", "wrong-password") == 401  # the fifth: locked
        assert login(small.client, "admin", PASSWORD) == 429
        assert login(second, "admin", PASSWORD) == 429


def test_with_memory_storage_each_instance_counts_alone(
    small: Small, sf: sessionmaker[Session]
) -> None:
    other = make_app(sf)
    with TestClient(other) as second:
        for _ in range(5):
            assert login(small.client, "admin", "wrong-password") == 401
        assert login(small.client, "admin", PASSWORD) == 429
        assert login(second, "admin", PASSWORD) == 200  # as the README says


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


def test_an_unreachable_redis_refuses_with_503_not_500(small: Small) -> None:
    """Limits kept in a Redis that is down: a login is refused — never let through uncounted —
    with 503 and words saying so, not a server error."""
    nobody = Settings(rate_limit_storage="redis://127.0.0.1:1/0", challenge_key="k" * 32)
    small.app.state.limiter = ratelimit.limiter(nobody, prefix=f"t{uuid.uuid4().hex}")
    answer = small.client.post("/api/auth/token", json={"username": "admin", "password": PASSWORD})
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"
    assert "限流服务暂时无法连接" in error(answer)["message"]
