"""Nomination form import: every bad cell, row, column and file is reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl.utils import get_column_letter

from tests.unit.import_forms import GOOD, errors_of, where, write_csv
from workflow.importing import read_nominations

# --- bad cells ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("name", "  ", "must not be blank"),
        ("gender", "X", "not one of"),
        ("gender", "", "not one of"),
        ("birth_date", "1978-13-01", "not a date"),
        ("birth_date", "15.03.1978", "not a date"),
        ("birth_date", "", "must not be blank"),
        ("ethnicity", "", "must not be blank"),
        ("employer_type", "company", "enterprise or government body"),
        ("category", "worker", "front-line worker"),
        ("official_level", "部级", "not one of"),
        ("ownership", "private", "not one of"),
        ("recommending_unit", "", "must not be blank"),
        ("honor", "", "must not be blank"),
        ("rank", "alternate", "alternate N"),
        ("rank", "后备0", "N >= 1"),
        ("retired", "maybe", "not yes/no"),
        ("disability", "有", "not yes/no"),
        ("military", "2", "not yes/no"),
        ("prior_honors", "劳动模范", "YYYY TITLE"),
        ("prior_honors", "2019|部级|劳动模范", "not one of"),
        ("votes_for", "多数", "whole number"),
        ("votes_total", "-3", "whole number"),
        ("votes_total", "", "must not be blank"),
        ("unit_notice_start", "soon", "not a date"),
        ("votes_for", "331", "more than the 330 votes"),
        ("unit_notice_end", "2024-05-01", "before it starts"),
        ("evaluation_grade", "E", "evaluation grade"),
        ("evaluation_date", "2023-02-30", "not a date"),
        ("summary", "", "must not be blank"),
    ],
)
def test_each_bad_cell_is_reported(tmp_path: Path, field: str, value: str, reason: str) -> None:
    path = write_csv(tmp_path / "form.csv", [GOOD, {**GOOD, field: value}])
    (error,) = errors_of(path)
    assert (error.file, error.row, error.field) == ("form.csv", 3, field)
    assert error.code.startswith("import.")
    assert reason in error.message.render("en")
    # In Chinese, no English word: only the cell's own value may hold Latin letters.
    chinese = error.reason.replace(f"“{value.strip()}”", "")
    assert not re.search(r"[a-z]{2,}", chinese.replace("yes、no、true、false", "")), chinese


def test_every_bad_row_is_reported_and_nothing_imported(tmp_path: Path) -> None:
    rows = [
        {**GOOD, "gender": "?", "birth_date": "yesterday"},
        GOOD,
        {**GOOD, "votes_for": "400"},
        {**GOOD, "rank": "spare", "summary": "", "retired": "perhaps"},
    ]
    errors = errors_of(write_csv(tmp_path / "form.csv", rows))
    assert where(errors) == [
        (2, "gender"),
        (2, "birth_date"),
        (4, "votes_for"),
        (5, "rank"),
        (5, "retired"),
        (5, "summary"),
    ]
    assert all(e.file == "form.csv" for e in errors)


def test_unknown_and_missing_columns(tmp_path: Path) -> None:
    row = {k: v for k, v in GOOD.items() if k not in {"summary", "votes_total"}}
    row["salary"] = "5000"
    errors = errors_of(write_csv(tmp_path / "form.csv", [row]))
    assert where(errors) == [(1, "salary"), (1, "votes_total"), (1, "summary")]
    assert errors[0].message.render("en") == "unknown column"
    assert errors[0].reason == "未知的列"
    assert "required column missing" in errors[1].message.render("en")
    assert str(errors[1]) == "form.csv:1: 总票数: 缺少必填列（总票数）"
    assert errors[1].text("en") == "form.csv:1: votes cast: required column missing (总票数)"


def test_duplicate_heading_and_value_without_heading(tmp_path: Path) -> None:
    path = tmp_path / "form.csv"
    header = [*GOOD, "姓名", ""]
    path.write_text(
        ",".join(header) + "\n" + ",".join([*GOOD.values(), "张伟", "stray"]) + "\n",
        encoding="utf-8",
    )
    errors = errors_of(path)
    assert where(errors) == [(1, "name"), (2, get_column_letter(len(header)))]


def test_duplicate_alternate_order_in_one_unit(tmp_path: Path) -> None:
    rows = [
        {**GOOD, "rank": "alternate 1"},
        {**GOOD, "rank": "后备1", "recommending_unit": "赣州市总工会"},
        {**GOOD, "rank": "alternate 2"},
        {**GOOD, "rank": "后备 1", "votes_for": "999"},
    ]
    errors = errors_of(write_csv(tmp_path / "form.csv", rows))
    assert where(errors) == [(5, "votes_for"), (5, "rank")]
    assert "already used on row 2" in errors[1].message.render("en")
    assert errors[1].reason == "南昌市总工会的后备顺序1已在第2行使用"


def test_unsupported_and_unreadable_files(tmp_path: Path) -> None:
    (error,) = errors_of(tmp_path / "form.xls")
    assert (error.file, error.row, error.field) == ("form.xls", 0, "file")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip file")
    assert where(errors_of(broken)) == [(0, "file")]
    assert where(errors_of(tmp_path / "absent.csv")) == [(0, "file")]
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    assert where(errors_of(empty)) == [(1, "header")]


def test_bom_and_blank_lines_in_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "form.csv", [GOOD, {k: "" for k in GOOD}, GOOD], "utf-8-sig")
    rows = read_nominations(path)
    assert [r.row for r in rows] == [2, 4]
