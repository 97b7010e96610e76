"""Tokens, sessions, the login rate limit, CSRF and the login redirect."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from models import User
from models.uow import UnitOfWork
from tests.web.conftest import NOW, PASSWORD, World, error, make_app
from web.deps import CSRF_COOKIE, SESSION_COOKIE, csrf_check, ensure_csrf_cookie, require_page_user
from workflow.errors import AuthenticationFailed, TooManyAttempts
from workflow.services import rate_limits, users
from workflow.services.rate_limits import Figures, Limiter


def login(client: TestClient, username: str, password: str = PASSWORD) -> object:
    return client.post("/api/auth/token", json={"username": username, "password": password})


def test_token_for_password_then_me(world: World) -> None:
    answer = login(world.client, "clerk_nc")
    assert answer.status_code == 200
    body = answer.json()
    assert body["user"]["unit_code"] == "nc"
    me = world.client.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "clerk_nc"
    assert "password_hash" not in me.text and "token_hash" not in me.text


def test_unknown_user_and_wrong_password_get_one_message(world: World) -> None:
    wrong, unknown = login(world.client, "clerk_nc", "nope-nope"), login(world.client, "ghost")
    assert wrong.status_code == unknown.status_code == 401
    assert error(wrong)["message"] == error(unknown)["message"] == str(users.BAD_LOGIN)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eDp5"}],
    ids=["none", "unknown", "not-bearer"],
)
def test_me_without_a_valid_token_is_401_with_challenge(world: World, headers: dict) -> None:
    answer = world.client.get("/api/me", headers=headers)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert error(answer)["code"] == "not_authenticated"


def test_expired_token_and_inactive_user_are_refused(world: World) -> None:
    assert world.client.get("/api/me", headers=world.h("team")).status_code == 200
    world.app.state.clock.now = NOW + timedelta(days=200)
    assert world.client.get("/api/me", headers=world.h("team")).status_code == 401
    world.app.state.clock.now = NOW
    with UnitOfWork(world.sf) as uow:
        uow.session.execute(update(User).where(User.username == "team").values(active=False))
        uow.commit()
    assert world.client.get("/api/me", headers=world.h("team")).status_code == 401
    assert login(world.client, "team").status_code == 401


def test_login_is_rate_limited_per_username_and_address(world: World) -> None:
    codes = [login(world.client, "police", "wrong-password").status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    assert error(login(world.client, "police"))["code"] == "too_many_requests"
    # Another username from the same address is counted apart.
    assert login(world.client, "team").status_code == 200


def test_rate_limiter_window_slides() -> None:
    figures = Figures(objections_per_address=2, objection_window=timedelta(seconds=1))
    limiter = Limiter("memory://", figures)
    rate_limits.admit_objection(limiter, "192.0.2.1")
    rate_limits.admit_objection(limiter, "192.0.2.1")
    with pytest.raises(TooManyAttempts):
        rate_limits.admit_objection(limiter, "192.0.2.1")
    rate_limits.admit_objection(limiter, "192.0.2.2")  # another address counts apart
    time.sleep(1.05)  # the first hits left the moving window
    rate_limits.admit_objection(limiter, "192.0.2.1")


def test_authenticate_service_refuses_with_authentication_failed(
    sqlite_sf: sessionmaker[Session],
) -> None:
    with UnitOfWork(sqlite_sf) as uow, pytest.raises(AuthenticationFailed) as caught:
        users.authenticate(uow, "nobody", "whatever1", NOW)
    assert caught.value.exit_code == 13


def _session(world: World, who: str) -> tuple[str, str]:
    with UnitOfWork(world.sf) as uow:
        return users.open_session(uow, world.user_ids[who], NOW)


def test_session_cookie_works_for_reads_and_needs_csrf_header_for_changes(world: World) -> None:
    session_id, csrf = _session(world, "team")
    client = TestClient(world.app, cookies={SESSION_COOKIE: session_id})
    assert client.get("/api/me").json()["username"] == "team"
    body = {"reason": "亲属关系"}
    url = f"/api/nominations/{world.n['qual_gz']}/conflicts"
    refused = client.post(url, json=body)
    assert refused.status_code == 403 and error(refused)["code"] == "csrf"
    assert client.post(url, json=body, headers={"X-CSRF-Token": csrf}).status_code == 204
    with UnitOfWork(world.sf) as uow:
        users.close_session(uow, session_id)
    assert client.get("/api/me").status_code == 401


def _form_app(sf: sessionmaker[Session]) -> FastAPI:
    app = make_app(sf)

    @app.post("/tiny-form")
    def tiny_form(_: Annotated[None, Depends(csrf_check)]) -> dict[str, bool]:
        return {"ok": True}

    @app.get("/tiny-page")
    def tiny_page(user: Annotated[User, Depends(require_page_user)]) -> dict[str, str]:
        return {"user": user.username}

    return app


def test_csrf_check_accepts_the_session_token_only(world: World) -> None:
    app = _form_app(world.sf)
    session_id, csrf = _session(world, "clerk_nc")
    client = TestClient(app, cookies={SESSION_COOKIE: session_id})
    assert client.post("/tiny-form", data={"csrf_token": csrf}).status_code == 200
    assert client.post("/tiny-form", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/tiny-form", data={}).status_code == 422


def test_csrf_check_double_submit_cookie_for_anonymous_forms(world: World) -> None:
    app = _form_app(world.sf)
    client = TestClient(app)
    assert client.post("/tiny-form", data={"csrf_token": "x"}).status_code == 403
    client.cookies.set(CSRF_COOKIE, "cookie-token")
    assert client.post("/tiny-form", data={"csrf_token": "cookie-token"}).status_code == 200
    assert client.post("/tiny-form", data={"csrf_token": "other"}).status_code == 403


def test_ensure_csrf_cookie_sets_once_and_keeps_it(world: World) -> None:
    from starlette.requests import Request
    from starlette.responses import Response

    fresh = Request({"type": "http", "headers": []})
    response = Response()
    token = ensure_csrf_cookie(fresh, response)
    assert f"{CSRF_COOKIE}={token}" in response.headers["set-cookie"]
    known = Request({"type": "http", "headers": [(b"cookie", f"{CSRF_COOKIE}=abc".encode())]})
    again = Response()
    assert ensure_csrf_cookie(known, again) == "abc"
    assert "set-cookie" not in again.headers


def test_page_without_login_redirects_to_login_with_next(world: World) -> None:
    app = _form_app(world.sf)
    client = TestClient(app, follow_redirects=False)
    answer = client.get("/tiny-page?x=1")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/tiny-page%3Fx%3D1"
    session_id, _ = _session(world, "secretary")
    client.cookies.set(SESSION_COOKIE, session_id)
    assert client.get("/tiny-page").json() == {"user": "secretary"}
