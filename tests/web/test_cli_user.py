"""`honorflow user`: create (password from stdin or asked twice, never an argument), tokens
(issue, list, revoke), deactivate and activate, change and reset a password."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker

from models.db import make_engine, make_session_factory
from tests.integration.test_cli import JIANGXI, Honorflow
from web.app import create_app

GOOD = "lantern-orchard-basalt"


def feed(hf: Honorflow, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command with text on standard input (a password, or answers to prompts)."""
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        input=stdin,
        env=hf.env,
        cwd=hf.cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


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
    prompted = feed(hf, "secret-pass-2x\nsecret-pass-2x\n", "user", "create", "--username",
                    "li", "--name", "李", "--role", "admin")  # fmt: skip
    assert prompted.returncode == 0, prompted.stderr
    assert "再次输入密码" in prompted.stderr and "Repeat" not in prompted.stderr
    # The password never travels as an argument, where the process list would show it.
    argv = hf.run("user", "create", "--username", "zh", "--name", "张", "--role", "admin",
                  "--password", GOOD, ok=False)  # fmt: skip
    assert argv.returncode == 2
    short = feed(hf, "short\n", "user", "create", "--username", "zh", "--name", "张", "--role",
                 "admin", "--password-stdin")  # fmt: skip
    assert short.returncode == 11 and "密码至少需要12个字符" in short.stderr
    weak = feed(hf, "qwertyuiop12\n", "user", "create", "--username", "zh", "--name", "张",
                "--role", "admin", "--password-stdin")  # fmt: skip
    assert weak.returncode == 11 and "与常用密码相近" in weak.stderr
    clerk = feed(hf, GOOD + "\n", "user", "create", "--username", "c", "--name", "c", "--role",
                 "unit_clerk", "--unit", "nowhere", "--password-stdin")  # fmt: skip
    assert clerk.returncode == 11 and "推荐单位“nowhere”不存在" in clerk.stderr
    assert "已知单位：（尚无）" in clerk.stderr
    dept = feed(hf, GOOD + "\n", "user", "create", "--username", "d", "--name", "d", "--role",
                "department_reviewer", "--department", "polise", "--password-stdin")  # fmt: skip
    assert dept.returncode == 11 and "部门“polise”" in dept.stderr and "police（" in dept.stderr
    listed = hf.json("user", "list")
    assert [u["username"] for u in listed] == ["li", "wang"]
    token = hf.json("user", "token", "--username", "wang", "--name", "script")["token"]
    assert hf.run("user", "token", "--username", "ghost", "--name", "x", ok=False).returncode == 3
    assert me(hf, token) == 200


def test_revoke_deactivate_and_passwords(tmp_path: Path) -> None:
    hf = Honorflow(tmp_path)
    hf.run("db", "upgrade")
    made = feed(hf, GOOD + "\n", "user", "create", "--username", "li", "--name", "李",
                "--role", "admin", "--password-stdin")  # fmt: skip
    assert made.returncode == 0, made.stderr
    first = hf.json("user", "token", "--username", "li", "--name", "one")["token"]
    second = hf.json("user", "token", "--username", "li", "--name", "two")["token"]
    tokens = hf.json("user", "token", "list", "--username", "li")
    assert [t["name"] for t in tokens] == ["two", "one"] and "token" not in tokens[0]
    revoked = hf.run("user", "token", "revoke", str(tokens[1]["id"]))
    assert "已撤销令牌" in revoked.stdout
    assert me(hf, first) == 401 and me(hf, second) == 200
    assert hf.run("user", "token", "revoke", "999", ok=False).returncode == 3
    off = hf.run("user", "deactivate", "li")
    assert "已停用账号 li" in off.stdout and "撤销令牌1个" in off.stdout
    assert me(hf, second) == 401
    assert hf.json("user", "activate", "li")["active"] is True
    wrong = feed(hf, f"not-it-at-all\n{GOOD}x\n{GOOD}x\n", "user", "password", "li")
    assert wrong.returncode == 10 and "原密码不正确" in wrong.stderr
    changed = feed(hf, f"{GOOD}\n{GOOD}x\n{GOOD}x\n", "user", "password", "li")
    assert changed.returncode == 0, changed.stderr
    reset = hf.json("user", "reset-password", "li", "--generate")
    assert len(reset["password"]) >= 20
    audit = hf.json("audit", "list")
    triggers = [e["trigger"] for e in audit]
    for kind in ("token_revoked", "user_deactivated", "user_activated", "password_changed",
                 "password_reset"):  # fmt: skip
        assert kind in triggers
    assert reset["password"] not in json.dumps(audit) and GOOD not in json.dumps(audit)
