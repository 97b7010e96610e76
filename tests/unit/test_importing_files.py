"""Nomination form import: the sample files, CSV and XLSX, English and Chinese headers."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl

from tests.unit.import_forms import GOOD, errors_of
from workflow.facts import PriorHonour
from workflow.importing import COLUMNS, ImportedNomination, read_nominations

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = DATA / "nominations_sample.csv"
SAMPLE_ZH = DATA / "nominations_sample_zh.csv"


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
