"""`honorflow user`: create (password given or prompted twice), token, list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker

from models.db import make_engine, make_session_factory
from tests.integration.test_cli import Honorflow
from web.app import create_app


def test_create_token_list_and_the_token_works(tmp_path: Path) -> None:
    hf = Honorflow(tmp_path)
    hf.run("db", "upgrade")
    made = hf.json(
        "user",
        "create",
        "--username",
        "wang",
        "--name",
        "王五",
        "--role",
        "team_reviewer",
        "--department",
        "working_team",
        "--password",
        "long-enough-1",
    )
    assert made["username"] == "wang"
    prompted = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli.main",
            "user",
            "create",
            "--username",
            "li",
            "--name",
            "李",
            "--role",
            "admin",
        ],
        input="secret-pass-2\nsecret-pass-2\n",
        env=hf.env,
        cwd=hf.cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert prompted.returncode == 0, prompted.stderr
    short = hf.run(
        "user",
        "create",
        "--username",
        "zh",
        "--name",
        "张",
        "--role",
        "admin",
        "--password",
        "short",
        ok=False,
    )
    assert short.returncode == 11 and "密码至少需要12个字符" in short.stderr
    clerk = hf.run(
        "user",
        "create",
        "--username",
        "c",
        "--name",
        "c",
        "--role",
        "unit_clerk",
        "--unit",
        "nowhere",
        "--password",
        "long-enough-1",
        ok=False,
    )
    assert clerk.returncode == 11 and "推荐单位“nowhere”不存在" in clerk.stderr
    listed = hf.json("user", "list")
    assert [u["username"] for u in listed] == ["li", "wang"]
    token = hf.json("user", "token", "--username", "wang", "--name", "script")["token"]
    assert hf.run("user", "token", "--username", "ghost", "--name", "x", ok=False).returncode == 3
    sf: sessionmaker = make_session_factory(make_engine(f"sqlite:///{hf.db}"))
    client = TestClient(create_app(sf))
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["department"] == "working_team"
