"""Nomination form import: CSV and XLSX, English and Chinese headers, every bad cell reported."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from workflow.errors import ImportFailed, RowError
from workflow.facts import PriorHonour
from workflow.importing import COLUMNS, ImportedNomination, read_nominations

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = DATA / "nominations_sample.csv"
SAMPLE_ZH = DATA / "nominations_sample_zh.csv"

GOOD: dict[str, Any] = {
    "name": "张伟",
    "gender": "M",
    "birth_date": "1978-03-15",
    "ethnicity": "汉族",
    "employer": "江铃汽车股份有限公司",
    "employer_type": "enterprise",
    "category": "front_line_worker",
    "official_level": "none",
    "recommending_unit": "南昌市总工会",
    "honor": "江西省劳动模范",
    "rank": "main",
    "retired": "no",
    "disability": "no",
    "prior_honors": "2018 南昌市劳动模范",
    "votes_for": "312",
    "votes_total": "330",
    "unit_notice_start": "2024-05-06",
    "unit_notice_end": "2024-05-10",
    "summary": "扎根一线二十年。",
}


def write_csv(path: Path, rows: list[dict[str, Any]], encoding: str = "utf-8") -> Path:
    header = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([[row.get(h, "") for h in header] for row in rows])
    return path


def errors_of(path: Path) -> list[RowError]:
    with pytest.raises(ImportFailed) as caught:
        read_nominations(path)
    return caught.value.errors


def where(errors: list[RowError]) -> list[tuple[int, str]]:
    return [(e.row, e.field) for e in errors]


# --- the sample files ---------------------------------------------------------------


def test_sample_with_english_headers() -> None:
    rows = read_nominations(SAMPLE)
    assert len(rows) == 10
    assert [r.row for r in rows] == list(range(2, 12))
    first = rows[0]
    assert isinstance(first, ImportedNomination)
    assert (first.facts.name, first.facts.gender, first.facts.birth_date) == (
        "张伟",
        "M",
        date(1978, 3, 15),
    )
    assert first.facts.ownership == "state"  # implied by enterprise
    assert (first.honor, first.rank, first.alternate_order) == ("江西省劳动模范", "main", None)
    assert first.facts.prior_honours == (PriorHonour("南昌市劳动模范", "municipal", 2018),)
    assert (first.facts.votes_for, first.facts.votes_total) == (312, 330)
    assert first.deeds.startswith("张伟同志1996年进厂")
    by_name = {r.facts.name: r for r in rows}
    li = by_name["李秀英"]
    assert li.facts.birth_date == date(1982, 7, 2) and li.facts.ownership == "public"
    assert [h.level for h in li.facts.prior_honours] == ["municipal", "provincial"]
    wu = by_name["吴桂兰"]
    assert wu.facts.unit_notice_end == date(2024, 5, 14) and wu.facts.disability
    assert (wu.rank, wu.alternate_order, wu.facts.official_level) == ("alternate", 1, "section")
    assert by_name["刘海涛"].facts.prior_honours[0].level == "unit"  # explicit level wins
    assert by_name["周敏"].facts.prior_honours[0].level == "national"
    assert by_name["黄德明"].facts.prior_honours[1] == PriorHonour("公司年度先进个人", "unit", 2020)
    zhong = by_name["钟小燕"].facts
    assert (zhong.ownership, zhong.gig_worker, zhong.evaluation_grade) == ("non_public", True, "A")
    assert zhong.evaluation_date == date(2023, 6, 30)
    assert by_name["陈志强"].facts.ownership == "public"  # village collective
    assert by_name["王建国"].facts.is_unit_leader


def test_sample_with_chinese_headers_and_labels_reads_the_same() -> None:
    assert read_nominations(SAMPLE_ZH) == read_nominations(SAMPLE)


def test_gb18030_csv(tmp_path: Path) -> None:
    text = SAMPLE_ZH.read_text(encoding="utf-8-sig")
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gb18030"))
    assert read_nominations(path) == read_nominations(SAMPLE)


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


XLSX_TYPED: dict[str, Any] = {
    "birth_date": date(1978, 3, 15),
    "unit_notice_start": datetime(2024, 5, 6, 0, 0),
    "unit_notice_end": date(2024, 5, 10),
    "votes_for": 312,
    "votes_total": 330.0,
    "retired": False,
    "disability": True,
}


def test_xlsx_with_real_date_cells(tmp_path: Path) -> None:
    zh = {c.field: c.zh for c in COLUMNS}
    header = [zh[h] for h in GOOD]
    good = [XLSX_TYPED.get(h, v) for h, v in GOOD.items()]
    path = write_xlsx(tmp_path / "form.xlsx", [header, good])
    (row,) = read_nominations(path)
    assert row.row == 2
    assert row.facts.birth_date == date(1978, 3, 15)
    assert row.facts.unit_notice_start == date(2024, 5, 6)
    assert (row.facts.votes_for, row.facts.votes_total) == (312, 330)
    assert row.facts.disability and not row.facts.retired


def test_xlsx_errors_keep_sheet_row_numbers(tmp_path: Path) -> None:
    zh = {c.field: c.zh for c in COLUMNS}
    good = [XLSX_TYPED.get(h, v) for h, v in GOOD.items()]
    bad = [400 if h == "votes_for" else v for h, v in zip(GOOD, good, strict=True)]
    rows = [[zh[h] for h in GOOD], good, [None] * len(good), bad]  # row 3 is empty, skipped
    errors = errors_of(write_xlsx(tmp_path / "form.xlsx", rows))
    assert [(e.file, e.row, e.field) for e in errors] == [("form.xlsx", 4, "votes_for")]


# --- cell formats ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rank", "order"),
    [
        ("main", "main", None),
        ("Main", "main", None),
        ("主推", "main", None),
        ("正式", "main", None),
        ("alternate 2", "alternate", 2),
        ("alternate:3", "alternate", 3),
        ("后备1", "alternate", 1),
        ("后备 4", "alternate", 4),
    ],
)
def test_rank_forms(tmp_path: Path, text: str, rank: str, order: int | None) -> None:
    (row,) = read_nominations(write_csv(tmp_path / "f.csv", [{**GOOD, "rank": text}]))
    assert (row.rank, row.alternate_order) == (rank, order)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        *[("yes", True), ("TRUE", True), ("1", True), ("y", True), ("是", True)],
        *[("no", False), ("false", False), ("0", False), ("N", False), ("否", False), ("", False)],
    ],
)
def test_boolean_forms(tmp_path: Path, text: str, value: bool) -> None:
    path = write_csv(tmp_path / "f.csv", [{**GOOD, "retired": text, "military": text}])
    (row,) = read_nominations(path)
    assert row.facts.retired is value and row.facts.military is value


@pytest.mark.parametrize("text", ["2024-05-01", "2024/5/1", "2024年5月1日", " 2024-5-1 "])
def test_date_forms(tmp_path: Path, text: str) -> None:
    path = write_csv(tmp_path / "f.csv", [{**GOOD, "birth_date": text}])
    assert read_nominations(path)[0].facts.birth_date == date(2024, 5, 1)


def test_prior_honour_forms(tmp_path: Path) -> None:
    text = (
        "2010 全国劳动模范；2012年江西省五一劳动奖章;2014|市级|优秀工匠\n"
        "2016 赣州市章贡区先进\n2018 厂先进个人"
    )
    (row,) = read_nominations(write_csv(tmp_path / "f.csv", [{**GOOD, "prior_honors": text}]))
    assert row.facts.prior_honours == (
        PriorHonour("全国劳动模范", "national", 2010),
        PriorHonour("江西省五一劳动奖章", "provincial", 2012),
        PriorHonour("优秀工匠", "municipal", 2014),
        PriorHonour("赣州市章贡区先进", "municipal", 2016),
        PriorHonour("厂先进个人", "unit", 2018),
    )


def test_ownership_defaults_and_checks(tmp_path: Path) -> None:
    rows = [
        {**GOOD, "employer_type": "government", "category": "official"},
        {**GOOD, "employer_type": "enterprise", "ownership": "非公有制"},
        {**GOOD, "employer_type": "social_org", "ownership": "non_public"},
    ]
    facts = [r.facts for r in read_nominations(write_csv(tmp_path / "a.csv", rows))]
    assert [f.ownership for f in facts] == ["public", "non_public", "non_public"]
    bad = [
        {**GOOD, "employer_type": "social_org"},
        {**GOOD, "employer_type": "机关", "ownership": "non_public"},
    ]
    assert where(errors_of(write_csv(tmp_path / "b.csv", bad))) == [
        (2, "ownership"),
        (3, "ownership"),
    ]


def test_length_limits_count_characters(tmp_path: Path) -> None:
    ok = [{**GOOD, "summary": "事" * 500, "deeds": "迹" * 3000}]
    (row,) = read_nominations(write_csv(tmp_path / "ok.csv", ok))
    assert len(row.summary) == 500 and len(row.deeds) == 3000
    bad = [{**GOOD, "summary": "事" * 501, "deeds": "迹" * 3001}]
    errors = errors_of(write_csv(tmp_path / "bad.csv", bad))
    assert where(errors) == [(2, "summary"), (2, "deeds")]
    assert "501 characters, at most 500" in errors[0].message.render("en")
    assert errors[0].reason == "共501个字，至多500个字"


def test_equal_votes_and_one_day_notice_pass(tmp_path: Path) -> None:
    row = {**GOOD, "votes_for": "330", "unit_notice_end": "2024-05-06"}
    assert read_nominations(write_csv(tmp_path / "f.csv", [row]))[0].facts.votes_for == 330


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
