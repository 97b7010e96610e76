"""An uploaded table (CSV or XLSX) read within caps, shared by the nomination form and the quota
table: its bytes, an XLSX's unpacked size and parts (from the zip's central directory, before
openpyxl reads any of it), its rows and the length of a cell. Each refusal names its cap.

Errors are collected by `RowErrors`, which keeps the first `ImportFailed.REPORTED` by row and
counts the rest, so a small file with a bad cell in every column of every row gives a short
answer and does not hold every error in memory.
"""

from __future__ import annotations

import csv
import heapq
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from config.catalogue import Message, msg
from workflow.bounded_yaml import excerpt
from workflow.clean_text import bad_character
from workflow.errors import ImportFailed, ImportTooLarge, RowError
from workflow.form_cells import cell_text

Row = tuple[int, list[Any]]  # the row's number as a spreadsheet shows it, and its cells


@dataclass(frozen=True)
class Caps:
    """The caps of one kind of table file."""

    bytes: int
    rows: int  # data rows, the header not counted
    cell: int  # characters in any one cell
    unpacked: int  # an XLSX's declared unpacked size, all parts together
    parts: int  # members of an XLSX's zip


# What a missing, locked, mis-encoded or corrupt file raises while being read.
_UNREADABLE = (OSError, UnicodeError, zipfile.BadZipFile, InvalidFileException, KeyError, csv.Error)


def refuse(name: str, problem: Message, row: int = 0, field: str = "file") -> ImportFailed:
    """A refusal of the whole file with one reason."""
    return ImportFailed([RowError(name, row, field, problem)])


def check_size(name: str, size: int, caps: Caps) -> None:
    """Refuse a file of more bytes than the cap (413)."""
    if size > caps.bytes:
        problem = msg("quota.file_too_large", limit=caps.bytes >> 20)
        raise ImportTooLarge([RowError(name, 0, "file", problem)])


def check_zip(name: str, data: bytes, caps: Caps) -> None:
    """Refuse an XLSX whose zip would unpack past the cap or holds too many parts (413).

    Read from the central directory alone; zipfile itself stops reading a part at its declared
    size, so a part that lies about its size cannot unpack past it either.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
    if len(parts) > caps.parts:
        problem = msg("import.too_many_parts", count=len(parts), limit=caps.parts)
        raise ImportTooLarge([RowError(name, 0, "file", problem)])
    if sum(p.file_size for p in parts) > caps.unpacked:
        problem = msg("quota.unpacked_too_large", limit=caps.unpacked >> 20)
        raise ImportTooLarge([RowError(name, 0, "file", problem)])


def read_table_file(path: Path, caps: Caps) -> list[Row]:
    """`read_table` of a file, its size checked before a byte of it is read."""
    _suffix(path.name)
    try:
        check_size(path.name, path.stat().st_size, caps)
        data = path.read_bytes()
    except OSError as exc:
        raise refuse(path.name, msg("import.unreadable", detail=excerpt(exc))) from exc
    return read_table(path.name, data, caps)


def _suffix(name: str) -> str:
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in ("csv", "xlsx"):
        reason = msg("import.unsupported_file", suffix=f".{suffix}" if suffix else excerpt(name))
        raise refuse(name, reason)
    return suffix


def read_table(name: str, data: bytes, caps: Caps) -> list[Row]:
    """The non-blank rows of a .csv or .xlsx file (first sheet), numbered; the first is the
    header. ImportFailed for a file over a cap, of another kind, unreadable or headless."""
    check_size(name, len(data), caps)
    suffix = _suffix(name)
    try:
        if suffix == "xlsx":
            check_zip(name, data, caps)
        rows = list(_capped(name, _csv_rows(data) if suffix == "csv" else _xlsx_rows(data), caps))
    except _UNREADABLE as exc:
        raise refuse(name, msg("import.unreadable", detail=excerpt(exc))) from exc
    if not rows or rows[0][0] != 1:
        raise refuse(name, msg("import.no_header"), row=1, field="header")
    return rows


def _capped(name: str, rows: Iterator[Row], caps: Caps) -> Iterator[Row]:
    for index, row in enumerate(rows):
        if index > caps.rows:  # the header and `caps.rows` rows
            raise refuse(name, msg("quota.too_many_rows", limit=caps.rows))
        yield row


def _csv_rows(data: bytes) -> Iterator[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")  # files saved by Excel on Chinese Windows
    # Numbered by record, as a spreadsheet opening the file shows them.
    for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if any(cell_text(cell) for cell in record):
            yield number, list(record)


def _xlsx_rows(data: bytes) -> Iterator[Row]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=sheet.min_row):
            if any(cell_text(cell) for cell in values):
                yield number, list(values)
    finally:
        book.close()


def cell_problem(raw: Any, limit: int, long: bool = False) -> Message | None:
    """A cell over the length cap, or holding a character no text field may (NUL, controls;
    tabs and line breaks only in a `long` text), as the input model refuses them."""
    too = too_long(raw, limit)
    if too is not None or bad_character(cell_text(raw), long) is None:
        return too
    return msg("error.invalid.control_character")


def too_long(raw: Any, limit: int) -> Message | None:
    """A cell longer than the cap, by its length (never its text)."""
    length = len(cell_text(raw))
    return msg("import.too_long", length=length, limit=limit) if length > limit else None


class RowErrors:
    """The first `ImportFailed.REPORTED` errors by row (then in the order found), and a count
    of all of them."""

    def __init__(self, errors: Iterable[RowError] = ()) -> None:
        self._kept: list[tuple[int, int, RowError]] = []  # (-row, -seq): the last kept on top
        self.count = 0
        self.extend(errors)

    def add(self, error: RowError) -> None:
        """Count an error; keep it if it is among the first by row."""
        self.count += 1
        item = (-error.row, -self.count, error)
        if len(self._kept) < ImportFailed.REPORTED:
            heapq.heappush(self._kept, item)
        elif item[:2] > self._kept[0][:2]:
            heapq.heapreplace(self._kept, item)

    def extend(self, errors: Iterable[RowError]) -> None:
        """Count and keep several errors."""
        for error in errors:
            self.add(error)

    def __bool__(self) -> bool:
        return self.count > 0

    def refusal(self) -> ImportFailed:
        """The refusal: the kept errors by row, and how many more there were."""
        kept = [error for _, _, error in sorted(self._kept, reverse=True)]
        return ImportFailed(kept, more=self.count - len(kept))
