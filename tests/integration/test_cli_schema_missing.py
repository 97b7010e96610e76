"""A command run before `db upgrade` says so in one line, with the command to run; a database
error that is not about the schema still shows its traceback (it is a bug)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from models.db import make_engine
from tests.integration.test_cli import Honorflow
from workflow.queries import campaigns as campaign_queries


@pytest.mark.parametrize(
    "args", [("campaign", "list"), ("act", "1", "submit"), ("calendar", "list")]
)
def test_a_command_before_db_upgrade_is_told_to_run_it(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    hf = Honorflow(tmp_path)
    result = hf.run(*args, ok=False)
    assert result.returncode == 16
    assert "还没有表结构" in result.stderr and "honorflow db upgrade" in result.stderr
    assert "Traceback" not in result.stderr and "SELECT" not in result.stderr
    answer = json.loads(hf.run("--json", *args, ok=False).stderr)
    assert answer["error"]["code"] == "error.schema_empty"


def test_an_older_schema_is_named_with_both_revisions(tmp_path: Path) -> None:
    hf = Honorflow(tmp_path)
    hf.run("db", "upgrade")
    engine = make_engine(f"sqlite:///{hf.db}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        conn.execute(text("DROP TABLE campaigns"))
    engine.dispose()
    result = hf.run("campaign", "list", ok=False)
    assert result.returncode == 16
    assert "0001" in result.stderr and "honorflow db upgrade" in result.stderr


def test_another_database_error_keeps_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hf = Honorflow(tmp_path)
    hf.run("db", "upgrade")

    def broken(*_: object, **__: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("disk I/O error"))

    monkeypatch.setattr(campaign_queries, "campaigns_newest_first", broken)
    result = hf.run("campaign", "list", ok=False)
    assert result.returncode == 1
    assert "disk I/O error" in result.stderr and "Traceback" in result.stderr
