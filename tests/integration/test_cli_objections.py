"""`honorflow objection record / answer / decide`: the team records with a file, the unit
answers with its report, the team decides; each refusal has its exit code."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

from config.dates import last_day
from models.db import make_engine, make_session_factory
from models.uow import UnitOfWork
from tests.attachment_files import FAKE_PDF, PDF, png
from tests.conftest import ADMIN, T0, make_campaign
from tests.integration.flow import add, to_notice
from tests.integration.test_cli import Honorflow, hf
from tests.latin import latin_words
from workflow.services import users

__all__ = ["hf"]  # the fixture, imported for pytest

TEAM = "team_reviewer:working_team"


def _under_notice(hf: Honorflow, tmp_path: Path) -> int:
    hf.run("db", "upgrade")
    engine = make_engine(hf.env["HONORFLOW_DATABASE_URL"])
    try:
        sf = make_session_factory(engine)
        nomination = add(sf, make_campaign(sf), "nc", "张三")
        to_notice(sf, nomination)
        with UnitOfWork(sf) as uow:
            users.create_user(
                uow, username="ncclerk", display_name="南昌经办人", password="pass-word-one-1",
                role="unit_clerk", unit_code="nc", actor=ADMIN, now=T0,
            )  # fmt: skip
        return nomination
    finally:
        engine.dispose()


def read_objection_due(hf: Honorflow, objection: int) -> datetime:
    """The stored answer deadline (UTC) of an objection."""
    with sqlite3.connect(hf.db) as db:
        [(due,)] = db.execute("SELECT answer_due_at FROM objections WHERE id = ?", (objection,))
    return datetime.fromisoformat(due).replace(tzinfo=UTC)


def test_record_answer_decide_and_the_refusals(hf: Honorflow, tmp_path: Path) -> None:
    nomination = _under_notice(hf, tmp_path)
    letter, report, fake = tmp_path / "来信.pdf", tmp_path / "核查报告.png", tmp_path / "假.pdf"
    letter.write_bytes(PDF)
    report.write_bytes(png())
    fake.write_bytes(FAKE_PDF)
    record = ["objection", "record", str(nomination), "--source", "visit", "--content",
              "来访反映其事迹夸大", "--reporter", "李四", "--contact", "13800000000"]  # fmt: skip
    refused = hf.run(*record, "--file", str(fake), ok=False)
    assert refused.returncode == 15 and "假.pdf" in refused.stderr
    said = hf.run(*record, "--file", str(letter)).stdout
    # The unit's answer deadline as offices write it: the end of a named day, Beijing time.
    found = re.search(
        r"异议(\d+)已登记，推荐单位须在(\d{4})年(\d+)月(\d+)日24时（北京时间）前答复", said
    )
    assert found, said
    objection = found[1]
    due = read_objection_due(hf, int(objection))
    assert last_day(due) == date(*(int(x) for x in found.groups()[1:]))

    team_answer = hf.run(
        "objection", "answer", objection, "--findings", "不实", "--as", TEAM, ok=False
    )
    assert team_answer.returncode == 6
    early = hf.run(
        "objection", "decide", objection, "--outcome", "upheld", "--reason", "属实", "--as", TEAM,
        ok=False,
    )  # fmt: skip
    assert early.returncode == 11 and "只能对推荐单位已核查答复的异议作出决定" in early.stderr
    answered = hf.run(
        "objection", "answer", objection, "--findings", "经核查，反映不实",
        "--file", str(report), "--as", "user:ncclerk",
    )  # fmt: skip
    assert "已答复" in answered.stdout and latin_words(answered.stdout, set()) == []
    unit_decides = hf.run(
        "objection", "decide", objection, "--outcome", "dismissed", "--reason", "不实",
        "--as", "user:ncclerk", ok=False,
    )  # fmt: skip
    assert unit_decides.returncode == 6
    uphold = hf.run("act", str(nomination), "uphold_objection", "--as", TEAM, ok=False)
    assert uphold.returncode == 5 and "张三没有经推荐单位核查答复" in uphold.stderr

    decided = hf.run(
        "objection", "decide", objection, "--outcome", "dismissed", "--reason", "报告清楚",
        "--as", TEAM,
    )  # fmt: skip
    assert "不属实" in decided.stdout and latin_words(decided.stdout, set()) == []
    stored = sorted(p.name for p in (tmp_path / "data" / "attachments").rglob("*") if p.is_file())
    assert len(stored) == 2 and all(len(name) == 64 for name in stored)
