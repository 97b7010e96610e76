"""The nomination form is read within caps: bytes, an XLSX's unpacked size and parts, rows, the
length of a cell, and the errors reported (the first N, then a count); values are quoted only
as a short excerpt, and control characters in a cell are refused as the input model refuses
them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from config.catalogue import render
from tests.unit.import_forms import GOOD, write_csv
from workflow import importing
from workflow.errors import ImportFailed, ImportTooLarge
from workflow.importing import MAX_CELL, MAX_ROWS, read_nominations

HEADER = ",".join(GOOD)


def refused(path: Path) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        read_nominations(path)
    return caught.value


def huge_cell_xlsx(chars: int) -> bytes:
    """A form whose name cell is `chars` characters long, small on the wire: openpyxl writes a
    placeholder, swapped in the zip for the long text (which compresses very well)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(GOOD))
    sheet.append(["PLACEHOLDER", *list(GOOD.values())[1:]])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for part in source.infolist():
            data = source.read(part).replace(b"PLACEHOLDER", b"a" * chars)
            target.writestr(part.filename, data)
    return out.getvalue()


def test_a_twenty_million_character_cell_is_refused_briefly(tmp_path: Path) -> None:
    data = huge_cell_xlsx(20_000_000)
    assert len(data) < 40_000  # about 25 KB on the wire
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    error = refused(path)
    assert [(e.row, e.field, e.code) for e in error.errors] == [(2, "name", "import.too_long")]
    text = error.text()
    assert len(text) < 500 and "aaaa" not in text and str(MAX_CELL) in text


def test_rows_past_the_cap_are_refused_naming_it(tmp_path: Path) -> None:
    # The 40 KB CSV: 20,000 rows of one letter would give 280,000 errors.
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + "\n" + "x\n" * 20_000, encoding="utf-8")
    assert path.stat().st_size < 45_000
    error = refused(path)
    assert [(e.row, e.field, e.code) for e in error.errors] == [(0, "file", "quota.too_many_rows")]
    assert str(MAX_ROWS) in error.text()


def test_errors_are_reported_up_to_the_cap_then_counted(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "\n" + "x\n" * MAX_ROWS, encoding="utf-8")
    error = refused(path)
    assert len(error.errors) == ImportFailed.REPORTED and error.more > 50_000
    assert error.total == len(error.errors) + error.more
    assert [e.row for e in error.errors] == sorted(e.row for e in error.errors)
    assert error.errors[0].row == 2  # the first rows of the sheet, not any hundred
    text = error.text()
    assert f"另有{error.more}处错误未列出" in text and len(text.encode()) < 20_000


def test_later_checks_keep_the_first_rows(tmp_path: Path) -> None:
    # Unknown units are found after every row is parsed: they still come first by row.
    rows = [dict(GOOD, recommending_unit=f"无此单位{i}") for i in range(150)]
    path = write_csv(tmp_path / "units.csv", rows)
    with pytest.raises(ImportFailed) as caught:
        read_nominations(path, known_units={"南昌市总工会"})
    assert [e.row for e in caught.value.errors] == list(range(2, 102))
    assert caught.value.more == 50


def test_an_xlsx_of_too_many_parts_or_too_large_unpacked_is_refused_before_reading(
    tmp_path: Path,
) -> None:
    parts = io.BytesIO()
    with zipfile.ZipFile(parts, "w") as archive:
        for i in range(importing.MAX_PARTS + 1):
            archive.writestr(f"x/{i}.xml", b"")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"0" * (importing.MAX_UNPACKED + 1))
    for name, data, code in (
        ("parts.xlsx", parts.getvalue(), "import.too_many_parts"),
        ("bomb.xlsx", bomb.getvalue(), "quota.unpacked_too_large"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ImportTooLarge) as caught:
            read_nominations(path)
        assert [e.code for e in caught.value.errors] == [code]


def test_a_file_over_the_byte_cap_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "CAPS", importing.CAPS.__class__(1000, 10, 10, 10, 10))
    path = write_csv(tmp_path / "big.csv", [GOOD] * 10)
    with pytest.raises(ImportTooLarge) as caught:
        read_nominations(path)
    assert caught.value.errors[0].code == "quota.file_too_large"


def test_values_are_quoted_as_a_short_excerpt(tmp_path: Path) -> None:
    long_date = "2024年" + "5" * 3000
    path = write_csv(tmp_path / "long.csv", [dict(GOOD, birth_date=long_date)])
    (error,) = refused(path).errors
    words = render(error.message, "zh-CN")
    assert error.field == "birth_date" and len(words) < 120 and "…" in words


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "王\x00伟"), ("name", "王\u2028伟"), ("employer", "单位\x07"), ("summary", "a\x00")],
)
def test_control_characters_are_refused_at_their_cell(
    tmp_path: Path, field: str, value: str
) -> None:
    path = write_csv(tmp_path / "nul.csv", [dict(GOOD, **{field: value})])
    (error,) = refused(path).errors
    assert (error.row, error.field, error.code) == (2, field, "error.invalid.control_character")


def test_long_texts_keep_their_lines(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "lines.csv", [dict(GOOD, summary="第一段\r\n第二段\t完")])
    assert read_nominations(path)[0].summary == "第一段\r\n第二段\t完"
