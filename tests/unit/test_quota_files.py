"""Quota table files: Chinese or code headers, every bad cell at its row and field, and the caps
(rows, cell length, file size, an XLSX's unpacked size) refused naming the cap."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from workflow.errors import ImportFailed
from workflow.quota_table import MAX_CELL, MAX_ROWS, UnitQuota, read_quota_file


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _errors(name: str, data: bytes) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportFailed) as refused:
        read_quota_file(name, data)
    return [(e.row, e.field, e.code) for e in refused.value.errors]


def test_an_xlsx_with_chinese_headers_and_labels_is_read() -> None:
    data = _xlsx(
        [
            ["单位代码", "单位名称", "名额", "类别", "是否单列", "单位类型", "邮箱"],
            ["nc", "南昌市总工会", 3, None, "否", "市总工会", "nc@example.org"],
            ["rail", "南昌铁路局工会", 2.0, "专业技术人员", "是", "产业工会", None],
        ]
    )
    assert read_quota_file("名额.xlsx", data) == [
        UnitQuota("nc", "南昌市总工会", 3, email="nc@example.org", row=2),
        UnitQuota("rail", "南昌铁路局工会", 2, "technician", True, "industry_union", row=3),
    ]


def test_every_bad_cell_is_named_at_its_row_and_field() -> None:
    data = (
        "unit_code,unit_name,places,category,colour\n"
        "nc,南昌市总工会,three,,\n"
        ",赣州市总工会,2,nobody,\n"
        f"jj,{'长' * (MAX_CELL + 1)},1,,\n"
    ).encode()
    assert _errors("q.csv", data) == [
        (1, "header", "quota.unknown_column"),
        (2, "places", "import.not_a_count"),
        (3, "unit_code", "import.blank"),
        (3, "category", "import.not_a_code"),
        (4, "unit_name", "import.too_long"),
    ]


def test_a_missing_required_column_is_named_on_the_header_row() -> None:
    assert _errors("q.csv", "单位代码,名额\nnc,3\n".encode()) == [
        (1, "unit_name", "import.column_missing")
    ]


def test_too_many_rows_is_refused_naming_the_cap() -> None:
    lines = ["unit_code,unit_name,places"] + [f"u{i},单位{i},1" for i in range(MAX_ROWS + 1)]
    assert _errors("q.csv", "\n".join(lines).encode()) == [(0, "file", "quota.too_many_rows")]
    assert len(read_quota_file("q.csv", "\n".join(lines[: MAX_ROWS + 1]).encode())) == MAX_ROWS


def test_an_xlsx_that_unpacks_too_large_is_refused_before_it_is_read() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (21 * 1024 * 1024))
    assert len(out.getvalue()) < 200_000  # small on the wire
    assert _errors("bomb.xlsx", out.getvalue()) == [(0, "file", "quota.unpacked_too_large")]


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("q.txt", b"x", "import.unsupported_file"),
        ("q.xlsx", b"not a zip", "import.unreadable"),
        ("q.csv", b"x" * (2 * 1024 * 1024 + 1), "quota.file_too_large"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(
    name: str, data: bytes, code: str
) -> None:
    assert _errors(name, data) == [(0, "file", code)]
