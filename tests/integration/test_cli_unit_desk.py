"""`honorflow campaign form-template` and the deadline's refusal on the command line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl
import pytest

from tests.integration.test_cli import JIANGXI, Honorflow, write_quota
from workflow.importing import COLUMNS


@pytest.fixture
def hf(tmp_path: Path) -> Honorflow:
    return Honorflow(tmp_path)


def _campaign(hf: Honorflow, tmp_path: Path, deadline: str) -> None:
    hf.run("db", "upgrade")
    hf.run("workflow", "load", str(JIANGXI))
    hf.run(
        "campaign", "create", "--code", "jx", "--title", "测试", "--definition",
        "jiangxi-labour-model", "--reference-date", "2026-03-01",
        "--submission-deadline", deadline,
    )  # fmt: skip
    hf.run("campaign", "quota", "jx", str(write_quota(tmp_path)))
    hf.run("campaign", "advance", "jx")


def test_the_template_is_written_and_a_late_import_is_refused_at_once(
    hf: Honorflow, tmp_path: Path
) -> None:
    _campaign(hf, tmp_path, "2099-01-10 17:00")
    # The deadline passes after the campaign opened (a campaign cannot be made with one past).
    with sqlite3.connect(hf.db) as db:
        db.execute("UPDATE campaigns SET submission_deadline = '2020-01-10 09:00:00.000000'")
    out = tmp_path / "form.xlsx"
    result = hf.run("campaign", "form-template", "jx", "-o", str(out), "--as", "unit_clerk@nc")
    assert "推荐表模板已写入" in result.stdout
    book = openpyxl.load_workbook(out)
    assert [c.value for c in book.worksheets[0][1]] == [c.zh for c in COLUMNS]
    assert "2020年1月10日17时（北京时间）" in "".join(
        str(c.value) for row in book["说明"].iter_rows() for c in row if c.value
    )
    garbage = tmp_path / "late.xlsx"
    garbage.write_bytes(b"not a workbook")  # refused before it is read
    late = hf.run("nominations", "import", str(garbage), "--campaign", "jx", ok=False)
    assert late.returncode == 11
    assert "报送已于2020年1月10日17时（北京时间）截止" in late.stderr
