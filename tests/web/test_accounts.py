"""Accounts an office can manage: deactivate, activate, change and reset passwords, revoke
tokens — on the API and the pages, each audited, each refusal tested."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditEvent
from models.uow import UnitOfWork
from tests.web.conftest import NOW, PASSWORD, World, error
from web.deps import SESSION_COOKIE
from workflow.services import users

NEW_PASSWORD = "lantern-orchard-basalt"


def _session(world: World, who: str) -> tuple[str, str]:
    with UnitOfWork(world.sf) as uow:
        return users.open_session(uow, world.user_ids[who], NOW)


def _browser(world: World, who: str) -> tuple[TestClient, str]:
    session_id, csrf = _session(world, who)
    return TestClient(world.app, cookies={SESSION_COOKIE: session_id}), csrf


def _events(world: World, trigger: str) -> list[AuditEvent]:
    with UnitOfWork(world.sf) as uow:
        query = select(AuditEvent).where(AuditEvent.trigger == trigger)
        rows = list(uow.session.scalars(query))
        uow.session.expunge_all()
        return rows


def test_deactivating_stops_tokens_and_sessions_at_once(world_both: World) -> None:
    world = world_both
    page, _csrf = _browser(world, "police")
    assert page.get("/api/me").status_code == 200
    assert world.client.get("/api/me", headers=world.h("police")).status_code == 200
    uid = world.user_ids["police"]
    done = world.client.post(f"/api/users/{uid}/deactivate", headers=world.h("admin"))
    assert done.status_code == 200, done.text
    assert done.json()["user"]["active"] is False
    assert done.json()["sessions_ended"] == 1 and done.json()["tokens_revoked"] == 1
    assert world.client.get("/api/me", headers=world.h("police")).status_code == 401
    assert page.get("/api/me").status_code == 401
    assert page.get("/inbox", follow_redirects=False).status_code == 303  # to the login page
    login = {"username": "police", "password": PASSWORD}
    assert world.client.post("/api/auth/token", json=login).status_code == 401
    (event,) = _events(world, "user_deactivated")
    assert event.reason is not None and event.reason.startswith("police")
    assert event.actor_username == "admin"
    again = world.client.post(f"/api/users/{uid}/activate", headers=world.h("admin"))
    assert again.status_code == 200 and again.json()["user"]["active"] is True
    # The old token stays revoked; a new login works.
    assert world.client.get("/api/me", headers=world.h("police")).status_code == 401
    assert world.client.post("/api/auth/token", json=login).status_code == 200
    assert len(_events(world, "user_activated")) == 1


def test_only_an_admin_deactivates_and_not_themselves(world: World) -> None:
    uid = world.user_ids["police"]
    refused = world.client.post(f"/api/users/{uid}/deactivate", headers=world.h("team"))
    assert refused.status_code == 403 and error(refused)["code"] == "permission_denied"
    own = world.user_ids["admin"]
    self_refused = world.client.post(f"/api/users/{own}/deactivate", headers=world.h("admin"))
    assert self_refused.status_code == 409 and "自己" in error(self_refused)["message"]
    missing = world.client.post("/api/users/999999/deactivate", headers=world.h("admin"))
    assert missing.status_code == 404
    assert world.client.get("/api/me", headers=world.h("police")).status_code == 200
    assert _events(world, "user_deactivated") == []


def test_revoking_my_token_makes_it_401_and_anothers_is_404(world_both: World) -> None:
    world = world_both
    mine = world.client.get("/api/me/tokens", headers=world.h("clerk_nc"))
    assert mine.status_code == 200 and [t["name"] for t in mine.json()] == ["tests"]
    assert "token" not in mine.json()[0] and "token_hash" not in mine.text
    police_token = world.client.get("/api/me/tokens", headers=world.h("police")).json()[0]["id"]
    other = world.client.delete(f"/api/me/tokens/{police_token}", headers=world.h("clerk_nc"))
    assert other.status_code == 404 and "police" not in other.text
    # An administrator too may revoke only their own tokens under /api/me.
    assert (
        world.client.delete(f"/api/me/tokens/{police_token}", headers=world.h("admin")).status_code
        == 404
    )
    assert world.client.get("/api/me", headers=world.h("police")).status_code == 200
    own = mine.json()[0]["id"]
    gone = world.client.delete(f"/api/me/tokens/{own}", headers=world.h("clerk_nc"))
    assert gone.status_code == 204
    answer = world.client.get("/api/me", headers=world.h("clerk_nc"))
    assert answer.status_code == 401 and error(answer)["code"] == "not_authenticated"
    (event,) = _events(world, "token_revoked")
    assert event.actor_username == "clerk_nc" and "tests" in (event.reason or "")


def test_changing_my_password_ends_my_other_sessions(world_both: World) -> None:
    world = world_both
    here, csrf = _browser(world, "team")
    elsewhere, _ = _browser(world, "team")
    body = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    changed = here.post("/api/me/password", json=body, headers={"X-CSRF-Token": csrf})
    assert changed.status_code == 200, changed.text
    assert changed.json()["sessions_ended"] == 1
    assert here.get("/api/me").status_code == 200
    assert elsewhere.get("/api/me").status_code == 401
    old = world.client.post("/api/auth/token", json={"username": "team", "password": PASSWORD})
    assert old.status_code == 401
    new = {"username": "team", "password": NEW_PASSWORD}
    assert world.client.post("/api/auth/token", json=new).status_code == 200
    (event,) = _events(world, "password_changed")
    assert PASSWORD not in (event.reason or "") and NEW_PASSWORD not in (event.reason or "")


def test_a_wrong_old_password_or_a_weak_new_one_is_422_naming_why(world: World) -> None:
    wrong = world.client.post(
        "/api/me/password",
        json={"old_password": "not-the-password", "new_password": NEW_PASSWORD},
        headers=world.h("team"),
    )
    assert wrong.status_code == 422 and error(wrong)["field"] == "body.old_password"
    assert "原密码不正确" in error(wrong)["message"]
    weak = world.client.post(
        "/api/me/password",
        json={"old_password": PASSWORD, "new_password": "Password1234"},
        headers={**world.h("team"), "Accept-Language": "en"},
    )
    assert weak.status_code == 422 and error(weak)["field"] == "body.new_password"
    assert "commonly used password" in error(weak)["message"]
    assert _events(world, "password_changed") == []


def test_an_admin_resets_a_password_generated_or_given(world: World) -> None:
    page, _ = _browser(world, "clerk_gz")
    uid = world.user_ids["clerk_gz"]
    made = world.client.post(f"/api/users/{uid}/reset-password", json={}, headers=world.h("admin"))
    assert made.status_code == 200, made.text
    one_time = made.json()["password"]
    assert one_time and made.json()["sessions_ended"] == 1
    assert page.get("/api/me").status_code == 401
    login = {"username": "clerk_gz", "password": one_time}
    assert world.client.post("/api/auth/token", json=login).status_code == 200
    given = world.client.post(
        f"/api/users/{uid}/reset-password", json={"password": "12345678"}, headers=world.h("admin")
    )
    assert given.status_code == 422 and "密码至少需要12个字符" in error(given)["message"]
    refused = world.client.post(
        f"/api/users/{uid}/reset-password", json={}, headers=world.h("team")
    )
    assert refused.status_code == 403
    (event,) = _events(world, "password_reset")
    assert one_time not in (event.reason or "")


def test_account_page_changes_the_password_and_revokes_a_token(world: World) -> None:
    page, csrf = _browser(world, "organisation")
    shown = page.get("/account")
    assert shown.status_code == 200 and "修改密码" in shown.text and "tests" in shown.text
    differ = page.post(
        "/account/password",
        data={"csrf_token": csrf, "old_password": PASSWORD, "new_password": NEW_PASSWORD,
              "new_password_again": NEW_PASSWORD + "x"},
    )  # fmt: skip
    assert differ.status_code == 422 and "两次输入的新密码不一致" in differ.text
    weak = page.post(
        "/account/password",
        data={"csrf_token": csrf, "old_password": PASSWORD, "new_password": "qwertyuiop12",
              "new_password_again": "qwertyuiop12"},
    )  # fmt: skip
    assert weak.status_code == 422 and "密码太容易被猜中" in weak.text
    no_csrf = page.post("/account/password", data={"csrf_token": "forged", "old_password": "x",
                        "new_password": "y", "new_password_again": "y"})  # fmt: skip
    assert no_csrf.status_code == 403
    done = page.post(
        "/account/password",
        data={"csrf_token": csrf, "old_password": PASSWORD, "new_password": NEW_PASSWORD,
              "new_password_again": NEW_PASSWORD},
    )  # fmt: skip
    assert done.status_code == 200 and "密码已修改" in done.text
    token_id = world.client.get("/api/me/tokens", headers=world.h("organisation")).json()[0]["id"]
    police_token = world.client.get("/api/me/tokens", headers=world.h("police")).json()[0]["id"]
    others = page.post(f"/account/tokens/{police_token}/revoke", data={"csrf_token": csrf})
    assert others.status_code == 404
    revoked = page.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 200 and "令牌已撤销" in revoked.text
    assert world.client.get("/api/me", headers=world.h("organisation")).status_code == 401
    assert world.client.get("/api/me", headers=world.h("police")).status_code == 200


def test_admin_users_page_deactivates_and_resets(world: World) -> None:
    admin, csrf = _browser(world, "admin")
    uid = world.user_ids["secretary"]
    listed = admin.get("/admin/users")
    assert listed.status_code == 200 and f"/admin/users/{uid}/deactivate" in listed.text
    off = admin.post(f"/admin/users/{uid}/deactivate", data={"csrf_token": csrf})
    assert off.status_code == 200 and "已停用账号 secretary" in off.text
    assert world.client.get("/api/me", headers=world.h("secretary")).status_code == 401
    on = admin.post(f"/admin/users/{uid}/activate", data={"csrf_token": csrf})
    assert on.status_code == 200 and "已启用账号 secretary" in on.text
    reset = admin.post(f"/admin/users/{uid}/reset-password", data={"csrf_token": csrf})
    assert reset.status_code == 200 and "临时密码" in reset.text
    team, team_csrf = _browser(world, "team")
    refused = team.post(f"/admin/users/{uid}/deactivate", data={"csrf_token": team_csrf})
    assert refused.status_code == 403


def test_unknown_department_and_unit_are_refused_naming_the_known_ones(world: World) -> None:
    base = {"display_name": "新人", "password": NEW_PASSWORD}
    dept = world.client.post(
        "/api/users",
        json={**base, "username": "x1", "role": "department_reviewer", "department": "nowhere"},
        headers=world.h("admin"),
    )
    assert dept.status_code == 409
    assert "部门“nowhere”" in error(dept)["message"] and "police" in error(dept)["message"]
    unit = world.client.post(
        "/api/users",
        json={**base, "username": "x2", "role": "unit_clerk", "unit_code": "zz"},
        headers=world.h("admin"),
    )
    assert unit.status_code == 409 and "推荐单位“zz”" in error(unit)["message"]
    assert "nc（" in error(unit)["message"]
    admin, csrf = _browser(world, "admin")
    form = admin.post(
        "/admin/users",
        data={"csrf_token": csrf, "username": "x3", "display_name": "新人",
              "password": NEW_PASSWORD, "role": "department_reviewer", "department": "nowhere"},
    )  # fmt: skip
    assert form.status_code == 409 and "部门“nowhere”" in form.text
    ok = world.client.post(
        "/api/users",
        json={**base, "username": "x4", "role": "department_reviewer", "department": "police"},
        headers=world.h("admin"),
    )
    assert ok.status_code == 201, ok.text


def test_a_generated_password_must_be_changed_before_anything_else(world_both: World) -> None:
    world = world_both
    uid = world.user_ids["police"]
    made = world.client.post(f"/api/users/{uid}/reset-password", json={}, headers=world.h("admin"))
    one_time = made.json()["password"]
    login = {"username": "police", "password": one_time}
    token = world.client.post("/api/auth/token", json=login).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    blocked = world.client.get("/api/tasks", headers=bearer)
    assert blocked.status_code == 403 and error(blocked)["code"] == "password_change_required"
    assert world.client.get("/api/me", headers=bearer).status_code == 200
    # The pages lead only to /account.
    page, csrf = _browser(world, "police")
    assert page.get("/inbox", follow_redirects=False).headers["location"] == "/account"
    shown = page.get("/account")
    assert shown.status_code == 200 and "临时密码" in shown.text
    change = {"csrf_token": csrf, "old_password": one_time, "new_password": NEW_PASSWORD,
              "new_password_again": NEW_PASSWORD}  # fmt: skip
    done = page.post("/account/password", data=change)
    assert done.status_code == 200 and "密码已修改" in done.text and "请先在下面" not in done.text
    assert page.get("/inbox").status_code == 200
    assert world.client.get("/api/tasks", headers=bearer).status_code == 200
    # A password the administrator typed is not one-time.
    given = {"password": "basalt-lantern-orchard"}
    world.client.post(f"/api/users/{uid}/reset-password", json=given, headers=world.h("admin"))
    fresh = world.client.post(
        "/api/auth/token", json={"username": "police", "password": given["password"]}
    ).json()["token"]
    assert (
        world.client.get("/api/tasks", headers={"Authorization": f"Bearer {fresh}"}).status_code
        == 200
    )


def test_guessing_the_old_password_counts_as_failed_logins(world: World) -> None:
    """The change form is not a way round the login limits: five wrong old passwords lock the
    account, and then even the right one (and a login) is refused until the lockout ends."""
    guesses = [
        world.client.post(
            "/api/me/password",
            json={"old_password": f"guess-{i}", "new_password": NEW_PASSWORD},
            headers=world.h("team"),
        ).status_code
        for i in range(6)
    ]
    assert guesses == [422] * 5 + [429]
    right = world.client.post(
        "/api/me/password",
        json={"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=world.h("team"),
    )
    assert right.status_code == 429 and "北京时间" in error(right)["message"]
    assert _events(world, "password_changed") == []
