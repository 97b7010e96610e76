"""`honorflow web --demo` tells who may log in, in Chinese, and never prints a database password."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.commands_web import load_demo
from cli.runtime import Runtime
from config.settings import Settings, get_settings
from models.migrate import upgrade
from tests.latin import latin_words

# What the demo lines show on purpose: account names, the shared password, unit and
# department codes (the accounts are typed as they are shown).
ACCOUNT_WORDS = {
    "admin",
    "zhuanban",
    "jjjc",
    "clerk",
    "secretary",
    "honorflow-demo",
    "working_team",
    "discipline",
    "city02",
    "committee_office",
}


def test_the_demo_accounts_are_listed_with_their_roles_by_label(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HONORFLOW_LOCALE", raising=False)
    monkeypatch.setenv("HONORFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    get_settings.cache_clear()
    try:
        rt = Runtime(json_output=False)
        upgrade(rt.engine)
        load_demo(rt)
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "演示账号" in out and "联审部门审核员" in out
    assert latin_words(out, ACCOUNT_WORDS) == []


def test_the_database_address_is_shown_without_its_password() -> None:
    settings = Settings(database_url="postgresql://honor:s3cret@db.example:5432/honorflow")
    shown = settings.shown_database_url()
    assert "s3cret" not in shown
    assert shown.startswith("postgresql://honor:") and shown.endswith("@db.example:5432/honorflow")
