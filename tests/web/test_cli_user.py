"""`honorflow user`: create (password from stdin or asked twice, never an argument), tokens
(issue, list, revoke), deactivate and activate, change and reset a password."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from cli.main import cli
from config.settings import get_settings
from models import AuditEvent
from models.db import make_engine, make_session_factory
from models.uow import UnitOfWork
from tests.integration.test_cli import JIANGXI, Honorflow
from tests.web.conftest import PASSWORD, World
from web.app import create_app
from workflow.errors import InvalidInput, InvalidState, NotFound

GOOD = "lantern-orchard-basalt"


def feed(hf: Honorflow, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command as a real process with text on its standard input (a password, or
    answers to prompts): the process reads its own stdin, and the password is on no argv."""
    return hf.spawn(*args, ok=False, stdin=stdin)


def me(hf: Honorflow, token: str) -> int:
    """The status of `GET /api/me` with the token, against the CLI's database."""
    sf: sessionmaker = make_session_factory(make_engine(f"sqlite:///{hf.db}"))
    client = TestClient(create_app(sf))
    return client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_create_token_list_and_the_token_works(tmp_path: Path) -> None:
    hf = Honorflow(tmp_path)
    hf.run("db", "upgrade")
    hf.run("workflow", "load", str(JIANGXI))
    made = feed(hf, GOOD + "\n", "--json", "user", "create", "--username", "wang", "--name",
                "王五", "--role", "team_reviewer", "--department", "working_team",
                "--password-stdin")  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["username"] == "wang"
    token = hf.json("user", "token", "--username", "wang", "--name", "script")["token"]
    assert me(hf, token) == 200


def test_the_password_is_asked_twice_never_an_argument(cli_world: World) -> None:
    prompted = run("--json", "user", "create", "--username", "li", "--name", "李", "--role",
                   "admin", stdin="secret-pass-2x\nsecret-pass-2x\n")  # fmt: skip
    assert prompted.exception is None, prompted.output
    assert "密码" in prompted.output and "再次输入密码" in prompted.output
    assert "Repeat" not in prompted.output
    # The process list would show a password given as an argument: there is no such option.
    argv = run("user", "create", "--username", "zh", "--name", "张", "--role", "admin",
               "--password", GOOD)  # fmt: skip
    assert isinstance(argv.exception, click.NoSuchOption)
    listed = json.loads(run("--json", "user", "list").output)
    assert "li" in [u["username"] for u in listed]
    ghost = run("user", "token", "--username", "ghost", "--name", "x")
    assert isinstance(ghost.exception, NotFound)


@pytest.fixture
def cli_world(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The seeded world with the command line pointed at its database (run in-process)."""
    monkeypatch.setenv("HONORFLOW_DATABASE_URL", world.sf.kw["bind"].url.render_as_string(False))
    monkeypatch.setenv("HONORFLOW_DATA_DIR", str(Path(world.sf.kw["bind"].url.database).parent))
    get_settings.cache_clear()
    yield world
    get_settings.cache_clear()


def run(*args: str, stdin: str | None = None) -> Result:
    """The command run in-process, with its output and the error it ended with."""
    return CliRunner().invoke(cli, list(args), input=stdin, standalone_mode=False)


def test_revoke_deactivate_and_passwords(cli_world: World) -> None:
    world = cli_world
    tokens = json.loads(run("--json", "user", "token", "list", "--username", "police").output)
    assert [t["name"] for t in tokens] == ["tests"] and "token" not in tokens[0]
    second = json.loads(
        run("--json", "user", "token", "--username", "police", "--name", "two").output
    )
    revoked = run("user", "token", "revoke", str(tokens[0]["id"]))
    assert "已撤销令牌" in revoked.output and "tests" in revoked.output
    assert world.client.get("/api/me", headers=world.h("police")).status_code == 401
    bearer = {"Authorization": f"Bearer {second['token']}"}
    assert world.client.get("/api/me", headers=bearer).status_code == 200
    assert isinstance(run("user", "token", "revoke", "999999").exception, NotFound)
    off = run("user", "deactivate", "police")
    assert "已停用账号 police" in off.output and "撤销令牌1个" in off.output
    assert world.client.get("/api/me", headers=bearer).status_code == 401
    assert json.loads(run("--json", "user", "activate", "police").output)["active"] is True
    wrong = run("user", "password", "police", stdin=f"not-it-at-all\n{GOOD}\n{GOOD}\n")
    assert isinstance(wrong.exception, InvalidInput) and "原密码不正确" in str(wrong.exception)
    changed = run("user", "password", "police", stdin=f"{PASSWORD}\n{GOOD}\n{GOOD}\n")
    assert changed.exception is None, changed.output
    assert "新密码" in changed.output and "再次输入密码" in changed.output
    reset = json.loads(run("--json", "user", "reset-password", "police", "--generate").output)
    assert len(reset["password"]) >= 20
    login = {"username": "police", "password": reset["password"]}
    assert world.client.post("/api/auth/token", json=login).status_code == 200
    given = run("user", "reset-password", "team", "--password-stdin", stdin="12345678\n")
    assert isinstance(given.exception, InvalidInput) and "密码不能全是数字" in str(given.exception)
    with UnitOfWork(world.sf) as uow:
        events = uow.session.execute(select(AuditEvent.trigger, AuditEvent.reason)).all()
    triggers = {trigger for trigger, _ in events}
    reasons = " ".join(reason or "" for _, reason in events)
    assert reset["password"] not in reasons and GOOD not in reasons
    for kind in ("token_revoked", "user_deactivated", "user_activated", "password_changed",
                 "password_reset"):  # fmt: skip
        assert kind in triggers


def test_create_refuses_weak_passwords_and_unknown_places(cli_world: World) -> None:
    def create(*extra: str, password: str = GOOD) -> Result:
        return run("user", "create", "--username", "zh", "--name", "张三", *extra,
                   "--password-stdin", stdin=password + "\n")  # fmt: skip

    short = create("--role", "admin", password="short")
    assert "密码至少需要12个字符" in str(short.exception)
    weak = create("--role", "admin", password="asdfghjkl;'zx")
    assert "键盘上相邻的按键容易被猜中" in str(weak.exception)
    unit = create("--role", "unit_clerk", "--unit", "nowhere")
    assert "推荐单位“nowhere”不存在" in str(unit.exception)
    assert "nc（南昌市总工会）" in str(unit.exception)
    dept = create("--role", "department_reviewer", "--department", "polise")
    assert "部门“polise”" in str(dept.exception) and "police（公安）" in str(dept.exception)
    assert isinstance(dept.exception, InvalidState)
    empty = create("--role", "admin", password="")
    assert empty.exception is not None and "标准输入中没有密码" in str(empty.exception)
    assert create("--role", "department_reviewer", "--department", "police").exception is None


def test_the_password_from_a_file_and_only_one_source(cli_world: World, tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text(GOOD + "\n", encoding="utf-8")
    made = run("--json", "user", "create", "--username", "fi", "--name", "费", "--role",
               "admin", "--password-file", str(secret))  # fmt: skip
    assert made.exception is None, made.output
    both = run("user", "create", "--username", "fo", "--name", "冯", "--role", "admin",
               "--password-file", str(secret), "--password-stdin", stdin=GOOD + "\n")  # fmt: skip
    assert isinstance(both.exception, click.UsageError)
    assert "--password-file" in str(both.exception.format_message())
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    none = run("user", "create", "--username", "fu", "--name", "傅", "--role", "admin",
               "--password-file", str(empty))  # fmt: skip
    assert isinstance(none.exception, click.UsageError)
    assert str(empty) in none.exception.format_message()
    listed = {u["username"] for u in json.loads(run("--json", "user", "list").output)}
    assert "fi" in listed and not {"fo", "fu"} & listed
