"""`honorflow export`: the file is written, its summary printed; refusals exit non-zero."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.integration.test_cli import SAMPLE, Honorflow, setup_campaign


@pytest.fixture
def hf(tmp_path: Path) -> Honorflow:
    return Honorflow(tmp_path)


def test_export_writes_the_unit_summary_and_refuses_what_is_not_yours(
    hf: Honorflow, tmp_path: Path
) -> None:
    setup_campaign(hf, tmp_path)
    hf.json("nominations", "import", str(SAMPLE))
    # nc's drafts handed in at once (one may be refused by a rule: it stays a draft).
    hf.run("submit", "--all", "--campaign", "jx", "--unit", "nc", "--as", "unit_clerk@nc", ok=False)
    listed = [n for n in hf.json("nominations", "list", "jx", "--unit", "nc")
              if n["status"] != "draft"]  # fmt: skip
    out = tmp_path / "nc.xlsx"
    done = hf.json("export", "summary", "--campaign", "jx", "-o", str(out), "--as", "unit_clerk@nc")
    assert done["rows"] == len(listed) > 0 and done["unit"] == "nc"
    assert done["filename"] == "测试推荐对象汇总表（南昌市总工会）.xlsx"
    ws = openpyxl.load_workbook(out).worksheets[0]
    names = [r[2] for r in ws.iter_rows(min_row=4, max_row=3 + done["rows"], values_only=True)]
    assert sorted(names) == sorted(n["name"] for n in listed)
    words = hf.run("export", "funnel", "--campaign", "jx", "-o", str(tmp_path / "f.xlsx"))
    assert "已写入" in words.stdout and "评审进度漏斗" in words.stdout
    other = hf.run("export", "summary", "--campaign", "jx", "--unit", "gz", "-o",
                   str(tmp_path / "gz.xlsx"), "--as", "unit_clerk@nc", ok=False)  # fmt: skip
    assert other.returncode == 6 and "本单位" in other.stderr
    public = hf.run("export", "summary", "--campaign", "jx", "-o", str(tmp_path / "p.xlsx"),
                    "--as", "public", ok=False)  # fmt: skip
    assert public.returncode == 6 and not (tmp_path / "p.xlsx").exists()
    bad = hf.run("export", "everything", "--campaign", "jx", "-o", str(out), ok=False)
    assert bad.returncode == 2 and "everything" in bad.stderr
