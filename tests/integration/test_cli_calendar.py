"""`honorflow calendar load` and `calendar years`, on a fresh database."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_cli import Honorflow, hf  # noqa: F401 (the fixture)
from tests.unit.test_calendar_years import SHIPPED, SYNTHETIC_2027


def write(tmp_path: Path, text: str, name: str = "2027.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_load_then_years_then_a_period_across_the_loaded_festival(
    hf: Honorflow,  # noqa: F811
    tmp_path: Path,
) -> None:
    hf.run("db", "upgrade")
    refused = hf.run("calendar", "add", "2027-02-05 09:00", "6", ok=False)
    assert refused.returncode == 8 and "2027年2月6日超出工作日历的范围" in refused.stderr
    loaded = hf.run("calendar", "load", write(tmp_path, SYNTHETIC_2027))
    assert "已载入2027年节假日安排：3个节假日共13天放假，2个调休上班日" in loaded.stdout
    again = hf.json("calendar", "load", write(tmp_path, SYNTHETIC_2027))
    assert again == {"year": 2027, "holidays": 3, "rest_days": 13, "workdays": 2,
                     "replaced": True, "file": "2027.yaml"}  # fmt: skip
    hf.run("calendar", "load", str(SHIPPED / "2026.yaml"))
    # Six working days from Friday 5 Feb: 15-19 Feb and the make-up Saturday 20 Feb.
    due = hf.json("calendar", "add", "2027-02-05 09:00", "6")
    assert due["due_local"] == "2027-02-21 00:00:00+08:00"
    years = hf.json("calendar", "years")
    assert [(y["year"], y["file"], y["loaded_by"]) for y in years["loaded"]] == [
        (2026, "2026.yaml", "admin (admin)"),
        (2027, "2027.yaml", "admin (admin)"),
    ]
    assert years["package"]["first"] == 2004 and years["package"]["replaced"] == [2026]
    text = hf.run("calendar", "years").stdout
    assert "2027年  载入的安排：13天放假，2个调休上班日；文件“2027.yaml”" in text
    assert "2004年至2026年  节假日数据包（版本1.11.0）；以载入的安排为准的年份：2026" in text


def test_a_bad_file_is_refused_naming_each_day_and_a_clerk_may_not_load(
    hf: Honorflow,  # noqa: F811
    tmp_path: Path,
) -> None:
    hf.run("db", "upgrade")
    bad = SYNTHETIC_2027.replace("2027-02-20", "2027-02-17").replace("2027-01-31", "2027-02-07")
    result = hf.run("calendar", "load", write(tmp_path, bad), ok=False)
    assert result.returncode == 2
    assert "节假日安排文件“2027.yaml”有2处错误，未载入" in result.stderr
    assert "调休上班日2027年2月17日是星期三，不是周末" in result.stderr
    assert "2027年2月7日既是“春节”的放假日，又列为调休上班日" in result.stderr
    empty = hf.run("calendar", "load", write(tmp_path, "", "empty.yaml"), ok=False)
    assert empty.returncode == 2 and "文件是空的" in empty.stderr
    path = write(tmp_path, SYNTHETIC_2027)
    clerk = hf.run("calendar", "load", path, "--as", "unit_clerk@nc", ok=False)
    assert clerk.returncode == 6
    assert hf.json("calendar", "years")["loaded"] == []
