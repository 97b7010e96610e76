"""The nomination form import (CSV and XLSX): all rows or none, every bad cell reported."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from config.catalogue import Label, Message, msg
from workflow import form_cells, table_files, vocabulary
from workflow import nominee_checks as checks
from workflow.bounded_yaml import excerpt
from workflow.errors import RowError
from workflow.facts import NomineeFacts
from workflow.form_cells import cell_text

SUMMARY_MAX = 500
DEEDS_MAX = 3000
# Caps of an uploaded form; a file over one is refused naming the cap (README, "Hardening").
MAX_BYTES = 20 * 1024 * 1024  # the body cap of the import's path
MAX_ROWS = 5000  # nominees in one file; a whole province's round is well below
MAX_CELL = 4000  # characters in one cell; the longest column (deeds) takes 3,000
MAX_UNPACKED = 64 * 1024 * 1024  # an XLSX's declared unpacked size, all parts
MAX_PARTS = 200  # members of an XLSX's zip; a workbook has a dozen or two
CAPS = table_files.Caps(MAX_BYTES, MAX_ROWS, MAX_CELL, MAX_UNPACKED, MAX_PARTS)
_MULTILINE = ("long", "prior")  # kinds whose cells may hold line breaks (honours one a line)


@dataclass(frozen=True)
class ImportedNomination:
    """One form row: the nominee's facts plus what the form says about the nomination."""

    facts: NomineeFacts
    honor: str
    rank: str  # "main" or "alternate"
    alternate_order: int | None
    summary: str
    deeds: str
    row: int  # as the spreadsheet shows it; the header is row 1


@dataclass(frozen=True)
class Column:
    """One column of the form: its field, Chinese header, parser and the values it offers.

    `kind` says how a person enters it (text, long, date, code, bool, count, rank, prior,
    grade); `choices` are the labels the parser accepts for an enumerated column, as the
    XLSX template's drop-downs and the page form's selects offer them.
    """

    field: str
    zh: str
    required: bool
    parse: Callable[[Any], Any]
    kind: str = "text"
    # Not part of the column's identity: columns are compared and hashed by the rest.
    vocab: vocabulary.Vocabulary | None = dataclasses.field(default=None, compare=False)

    @property
    def choices(self) -> tuple[str, ...]:
        """The labels an enumerated column accepts (empty for free text)."""
        if self.vocab is not None:
            return tuple(self.vocab.values())
        return {"bool": form_cells.BOOLEAN_LABELS, "grade": form_cells.GRADES}.get(self.kind, ())


def _coded(
    field: str, zh: str, required: bool, vocab: vocabulary.Vocabulary, blank: str | None
) -> Column:
    return Column(field, zh, required, form_cells.code(vocab, blank), "code", vocab)


@functools.cache
def columns_for(vocabularies: vocabulary.Vocabularies) -> tuple[Column, ...]:
    """The form's columns, their codes, labels and terms from one definition's vocabularies."""
    _V = vocabularies
    return (
        Column("name", "姓名", True, form_cells.nonblank),
        _coded("gender", "性别", True, _V["gender"], "error"),
        Column("birth_date", "出生日期", True, form_cells.required_date, "date"),
        Column("ethnicity", "民族", True, form_cells.nonblank),
        Column("employer", "工作单位", True, form_cells.nonblank),
        _coded("employer_type", "单位性质", True, _V["employer_type"], "error"),
        _coded("category", "人员类别", True, _V["category"], "error"),
        # Most nominees hold no rank, so a blank cell means none.
        _coded("official_level", "职级", True, _V["official_level"], "none"),
        Column("recommending_unit", "推荐单位", True, form_cells.nonblank),
        Column("honor", "推荐荣誉", True, form_cells.nonblank),
        Column("rank", "推荐类型", True, form_cells.rank, "rank"),
        Column("retired", "是否退休", True, form_cells.boolean, "bool"),
        Column("disability", "是否残疾", True, form_cells.boolean, "bool"),
        Column("prior_honors", "曾获荣誉", True, form_cells.prior, "prior"),
        Column("votes_for", "赞成票", True, form_cells.count, "count"),
        Column("votes_total", "总票数", True, form_cells.count, "count"),
        Column("unit_notice_start", "公示开始", True, form_cells.required_date, "date"),
        Column("unit_notice_end", "公示结束", True, form_cells.required_date, "date"),
        Column("summary", "简要事迹", True, form_cells.limited(SUMMARY_MAX, required=True), "long"),
        _coded("ownership", "所有制", False, _V["ownership"], None),
        # The definition's own vocabularies (行业领域, 岗位类型); blank: not given.
        _coded("sector", "行业领域", False, _V["sector"], ""),
        _coded("post", "岗位类型", False, _V["post"], ""),
        Column("is_unit_leader", "是否单位负责人", False, form_cells.boolean, "bool"),
        Column("nationality", "国籍", False, form_cells.nationality),
        *(
            Column(field, zh, False, form_cells.boolean, "bool")
            for field, zh in (
                ("military", "是否现役军人"),
                ("deceased", "是否已故"),
                ("migrant_worker", "是否农民工"),
                ("gig_worker", "是否新就业形态"),
                ("new_major_contribution", "是否有新的重大贡献"),
                ("retirement_exception", "退休例外"),
                ("tax_problem", "涉税问题"),
                ("wage_arrears", "欠薪"),
                ("social_insurance_arrears", "欠缴社保"),
                ("major_safety_accident", "重大安全事故"),
                ("serious_pollution", "严重污染"),
                ("no_union", "未建工会"),
                ("wage_arrears_blacklist", "欠薪黑名单"),
            )
        ),
        Column("evaluation_grade", "综合评价等级", False, form_cells.grade, "grade"),
        Column("evaluation_date", "综合评价日期", False, form_cells.optional_date, "date"),
        Column("deeds", "详细事迹", False, form_cells.limited(DEEDS_MAX, required=False), "long"),
        Column("id_number", "身份证号", False, form_cells.cell_text),
        Column("phone", "联系电话", False, form_cells.cell_text),
    )


COLUMNS: tuple[Column, ...] = columns_for(vocabulary.SHIPPED)


@functools.cache
def _by_header(columns: tuple[Column, ...]) -> dict[str, Column]:
    return {key: c for c in columns for key in (c.field.casefold(), c.zh)}


def read_nominations(
    path: Path,
    known_units: Collection[str] | None = None,
    reference_date: date | None = None,
    vocabularies: vocabulary.Vocabularies = vocabulary.SHIPPED,
) -> list[ImportedNomination]:
    """Read a nomination form (.csv or .xlsx) within CAPS; ImportFailed lists the bad cells
    (the first `ImportFailed.REPORTED`, and how many more).

    With `known_units` (names or codes), a recommending unit not among them is a row error too;
    with the campaign's `reference_date`, so is an implausible birth date or notice period.
    Coded cells take the codes, labels and terms of the definition's `vocabularies`.
    """
    file = path.name
    table = columns_for(vocabularies)
    rows = table_files.read_table_file(path, CAPS)
    columns, header_errors = _header(file, rows[0][1], table)
    errors = table_files.RowErrors(header_errors)
    present = {c.field for c in columns.values()}
    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, cells in rows[1:]:
        errors.extend(_stray_cells(file, number, rows[0][1], cells))
        raw = {c.field: cells[i] if i < len(cells) else None for i, c in columns.items()}
        values, row_errors = _parse_row(file, number, raw, table, present, reference_date)
        errors.extend(row_errors)
        parsed.append((number, values))
    errors.extend(_duplicate_alternates(file, parsed))
    if known_units is not None:
        errors.extend(_unknown_units(file, parsed, known_units))
    if errors:
        # Header first, then row by row, so the list reads like the sheet.
        raise errors.refusal()
    return [_build(number, values) for number, values in parsed]


def _unknown_units(
    file: str, parsed: list[tuple[int, dict[str, Any]]], known: Collection[str]
) -> list[RowError]:
    return [
        RowError(file, number, "recommending_unit", msg("import.unknown_unit", unit=excerpt(unit)))
        for number, values in parsed
        if (unit := values.get("recommending_unit")) and unit not in known
    ]


def _header(
    file: str, cells: list[Any], table: tuple[Column, ...]
) -> tuple[dict[int, Column], list[RowError]]:
    columns: dict[int, Column] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(cells):
        name = cell_text(cell)
        if not name:
            continue  # a blank heading; values under it are reported per row
        column = _by_header(table).get(name.casefold()) or _by_header(table).get(name)
        if column is None:
            errors.append(RowError(file, 1, excerpt(name), msg("import.unknown_column")))
        elif column in columns.values():
            errors.append(
                RowError(file, 1, column.field, msg("import.column_twice", name=excerpt(name)))
            )
        else:
            columns[index] = column
    present = set(columns.values())
    for column in table:
        if column.required and column not in present:
            reason = msg("import.column_missing", column=column.zh)
            errors.append(RowError(file, 1, column.field, reason))
    return columns, errors


def _stray_cells(file: str, number: int, header: list[Any], cells: list[Any]) -> list[RowError]:
    # Unknown headings are reported once on row 1; values under no heading at all, per row,
    # at the column's letter as the spreadsheet shows it.
    return [
        RowError(file, number, get_column_letter(i + 1), msg("import.stray_value"))
        for i, cell in enumerate(cells)
        if cell_text(cell) and (i >= len(header) or not cell_text(header[i]))
    ]


def _parse_row(
    file: str,
    number: int,
    raw: dict[str, Any],
    table: tuple[Column, ...],
    present: set[str],
    reference: date | None,
) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for column in table:
        if column.required and column.field not in present:
            continue  # already reported on the header row
        refused = table_files.cell_problem(
            raw.get(column.field), MAX_CELL, column.kind in _MULTILINE
        )
        if refused is not None:  # never parsed, never quoted
            errors.append(RowError(file, number, column.field, refused))
            continue
        try:
            values[column.field] = column.parse(raw.get(column.field))
        except ValueError as exc:
            errors.append(RowError(file, number, column.field, _reason(exc)))
    errors += [RowError(file, number, f, reason) for f, reason in _term_values(table, raw, values)]
    problems = checks.cross_problems(values)
    if reference is not None:
        problems = [*problems, *checks.date_problems(values, reference)]
    errors += [RowError(file, number, f, reason) for f, reason in problems]
    return values, errors


def _term_values(
    table: tuple[Column, ...], raw: dict[str, Any], values: dict[str, Any]
) -> list[tuple[str, Message]]:
    """Fill in the fields a form's term gives besides its own (国有企业: the ownership too)
    where their own cell is blank; the problems where a cell says otherwise."""
    problems: list[tuple[str, Message]] = []
    for column in table:
        term = cell_text(raw.get(column.field))
        if column.vocab is None or term not in column.vocab.terms:
            continue
        for field, code in column.vocab.terms[term].items():
            if field == column.field:
                continue
            if not cell_text(raw.get(field)):
                values[field] = code
            elif values.get(field) not in (None, code):
                said = Label(f"vocab.{field}", code)
                problems.append(
                    (
                        field,
                        msg(
                            "import.term_contradicts",
                            term=excerpt(term),
                            field=Label("field", field),
                            value=said,
                        ),
                    )
                )
    return problems


def _reason(exc: ValueError) -> Message | str:
    """A parser's reason: the Message it raised with, or its text."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Message) else str(exc)


def _build(number: int, values: dict[str, Any]) -> ImportedNomination:
    values = dict(values)
    rank, order = values.pop("rank")
    honor, summary, deeds = values.pop("honor"), values.pop("summary"), values.pop("deeds")
    values["prior_honours"] = values.pop("prior_honors")
    values["ownership"] = checks.ownership_or_default(values["employer_type"], values["ownership"])
    facts = NomineeFacts(**values)
    return ImportedNomination(facts, honor, rank, order, summary, deeds, number)


def _duplicate_alternates(file: str, rows: list[tuple[int, dict[str, Any]]]) -> list[RowError]:
    # Checked on every row whose rank and unit parsed, even if other cells are bad.
    seen: dict[tuple[str, int], int] = {}
    errors: list[RowError] = []
    for number, values in rows:
        rank, unit = values.get("rank"), values.get("recommending_unit")
        if rank is None or unit is None or rank[1] is None:
            continue
        key = (unit, rank[1])
        if key in seen:
            reason = msg("import.alternate_taken", order=key[1], unit=excerpt(unit), row=seen[key])
            errors.append(RowError(file, number, "rank", reason))
        else:
            seen[key] = number
    return errors
