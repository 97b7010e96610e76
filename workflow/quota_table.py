"""The quota table (名额分配表) as an administrator writes it: its rows, the checks every row
passes whatever surface it came from (the API, the page's form, a file, the CLI), and the
bounded reading of a CSV or XLSX file. All rows or none: every bad cell is reported at its row
and field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from config.catalogue import Label, Listing, Message, msg
from workflow import form_cells, table_files, vocabulary
from workflow.bounded_yaml import excerpt
from workflow.errors import ImportFailed, RowError
from workflow.form_cells import cell_text

# Unit kinds: 市总工会, 省直部门, 产业工会 (labels in the catalogue: vocab.unit_kind.*).
UNIT_KINDS = vocabulary.Vocabulary("unit_kind", ("city_union", "department", "industry_union"))
# Caps of an uploaded table; a file over one is refused naming the cap.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_CELL = 200
MAX_UNPACKED = 20 * 1024 * 1024  # an XLSX is a zip: its declared unpacked size, all parts
MAX_PARTS = 200
CAPS = table_files.Caps(MAX_BYTES, MAX_ROWS, MAX_CELL, MAX_UNPACKED, MAX_PARTS)
MAX_PLACES = 100_000
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,59}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class UnitQuota:
    """One row of a quota table; `row` is where it came from (a sheet row, a list index)."""

    unit_code: str
    unit_name: str
    places: int
    category: str | None = None
    reserved: bool = False
    kind: str = "city_union"
    email: str | None = None
    row: int = 0


@dataclass(frozen=True)
class _Column:
    field: str
    zh: str
    required: bool


COLUMNS = (
    _Column("unit_code", "单位代码", True),
    _Column("unit_name", "单位名称", True),
    _Column("places", "名额", True),
    _Column("category", "类别", False),
    _Column("reserved", "是否单列", False),
    _Column("kind", "单位类型", False),
    _Column("email", "邮箱", False),
)
_BY_HEADER = {key: c for c in COLUMNS for key in (c.field, c.zh)}


def row_problems(row: UnitQuota) -> Iterator[tuple[str, Message]]:
    """What is wrong with one row on its own: (field, reason)."""
    if not CODE.fullmatch(row.unit_code):
        yield "unit_code", msg("quota.bad_code", value=excerpt(row.unit_code))
    if not row.unit_name.strip() or len(row.unit_name) > MAX_CELL:
        yield "unit_name", msg("quota.bad_name", limit=MAX_CELL)
    if not 0 <= row.places <= MAX_PLACES:
        yield "places", msg("quota.bad_places", limit=MAX_PLACES)
    if row.category is not None and row.category not in vocabulary.CATEGORIES:
        yield "category", _not_a_code(row.category, "category", vocabulary.CATEGORIES)
    if row.kind not in UNIT_KINDS:
        yield "kind", _not_a_code(row.kind, "unit_kind", UNIT_KINDS)
    if row.email is not None and not EMAIL.fullmatch(row.email):
        yield "email", msg("quota.bad_email", value=excerpt(row.email))


def _not_a_code(value: str, kind: str, vocab: vocabulary.Vocabulary) -> Message:
    choices = Listing(tuple(Label(f"vocab.{kind}", c) for c in vocab), "or")
    return msg("import.not_a_code", value=excerpt(value), choices=choices)


def check_rows(
    source: str, rows: list[UnitQuota], owner_of: Callable[[str], str | None]
) -> list[RowError]:
    """Every problem of a table: bad cells, a row given twice, a name owned by another code.

    `owner_of(name)` is the code of the stored unit with that name, if there is one.
    """
    errors = [RowError(source, r.row, f, why) for r in rows for f, why in row_problems(r)]
    seen: dict[tuple[str, str | None, bool], int] = {}
    names: dict[str, str] = {}
    for r in rows:
        key = (r.unit_code, r.category, r.reserved)
        if key in seen:
            twice = msg("quota.row_twice", row=seen[key])
            errors.append(RowError(source, r.row, "unit_code", twice))
        seen.setdefault(key, r.row)
        owner = names.setdefault(r.unit_name, r.unit_code)
        stored = owner_of(r.unit_name)
        for other in (owner, stored):
            if other is not None and other != r.unit_code:
                taken = msg("error.web.unit_name_taken", name=excerpt(r.unit_name), owner=other)
                errors.append(RowError(source, r.row, "unit_name", taken))
                break
    return sorted(errors, key=lambda e: e.row)


def read_quota_file(name: str, data: bytes) -> list[UnitQuota]:
    """A quota table from a .csv or .xlsx file's bytes; ImportFailed lists every bad cell."""
    rows = table_files.read_table(name, data, CAPS)
    columns, errors = _header(name, rows[0][1])
    records = [
        (number, {c.field: cells[i] if i < len(cells) else None for i, c in columns.items()})
        for number, cells in rows[1:]
    ]
    missing = {c.field for c in COLUMNS if c not in columns.values()}
    return rows_from_cells(name, records, errors, missing)


def rows_from_cells(
    source: str,
    records: list[tuple[int, dict[str, Any]]],
    errors: list[RowError] | None = None,
    missing: set[str] | None = None,
) -> list[UnitQuota]:
    """Rows from cells by field (a file's, a page form's), numbered; ImportFailed lists every
    bad cell (and the `errors` found before, e.g. in the header). A `missing` column is
    reported once on the header, not again on every row."""
    errors = list(errors or [])
    if len(records) > MAX_ROWS:
        raise ImportFailed(
            [RowError(source, 0, "file", msg("quota.too_many_rows", limit=MAX_ROWS))]
        )
    parsed: list[UnitQuota] = []
    for number, raw in records:
        row, problems = _parse_row(number, raw)
        errors += [
            RowError(source, number, f, why) for f, why in problems if f not in (missing or ())
        ]
        if row is not None:
            parsed.append(row)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row))
    return parsed


def _header(file: str, cells: list[Any]) -> tuple[dict[int, _Column], list[RowError]]:
    columns: dict[int, _Column] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(cells):
        heading = cell_text(cell)
        column = _BY_HEADER.get(heading) or _BY_HEADER.get(heading.casefold())
        if not heading:
            continue
        if column is None:
            errors.append(
                RowError(file, 1, "header", msg("quota.unknown_column", name=excerpt(heading)))
            )
        elif column in columns.values():
            errors.append(
                RowError(file, 1, column.field, msg("import.column_twice", name=excerpt(heading)))
            )
        else:
            columns[index] = column
    for column in COLUMNS:
        if column.required and column not in columns.values():
            missing = msg("import.column_missing", column=column.zh)
            errors.append(RowError(file, 1, column.field, missing))
    return columns, errors


def _parse_row(number: int, raw: dict[str, Any]) -> tuple[UnitQuota | None, list[tuple[str, Any]]]:
    problems: list[tuple[str, Any]] = []
    values: dict[str, Any] = {}
    parsers: dict[str, Callable[[Any], Any]] = {
        "unit_code": form_cells.nonblank,
        "unit_name": form_cells.nonblank,
        "places": form_cells.count,
        "category": form_cells.code(vocabulary.CATEGORIES),
        "reserved": form_cells.boolean,
        "kind": form_cells.code(UNIT_KINDS, "city_union"),
        "email": lambda cell: cell_text(cell) or None,
    }
    for field, parse in parsers.items():
        long = table_files.too_long(raw.get(field), MAX_CELL)
        if long is not None:
            problems.append((field, long))
            continue
        try:
            values[field] = parse(raw.get(field))
        except ValueError as exc:
            problems.append((field, exc.args[0] if exc.args else str(exc)))
    if problems:
        return None, problems
    row = UnitQuota(**values, row=number)
    return row, list(row_problems(row))
