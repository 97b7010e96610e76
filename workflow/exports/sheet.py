"""The one layout of every exported sheet: two title rows, a header row, rows, a foot.

Row 1 is the document's title, row 2 the campaign, the scope and the time of export in
Beijing time (the zone named); row 3 holds the headers (frozen, repeated when printed).
Dates are written as Excel dates (a Beijing calendar day), instants as Beijing local
times; workbooks are written in openpyxl's write-only mode, so a sheet of 10,000 rows is
streamed rather than held cell by cell.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from config.catalogue import DEFAULT, text
from config.dates import BEIJING
from config.display import moment

HEADER_ROW = 3  # the title, the line under it, then the headers
_TITLE = Font(bold=True, size=16)
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center")
_WRAP = Alignment(vertical="top", wrap_text=True)
# Excel number formats, written as offices write dates (the Chinese words quoted).
FORMATS = {
    "month": 'yyyy"年"m"月"',
    "day": 'yyyy"年"m"月"d"日"',
    "instant": 'yyyy"年"m"月"d"日" h"时"mm"分"',
    "share": "0.0%",
    "int": "0",
}


@dataclass(frozen=True)
class Column:
    """One column: its header's msgid (`export.col.<key>`), width and kind of value."""

    key: str
    width: int = 12
    kind: str = "text"  # text, int, share, month, day, instant (see FORMATS)
    wrap: bool = False


@dataclass(frozen=True)
class Sheet:
    """A sheet to write: its tab, title, the line under the title, columns, rows, foot."""

    tab: str
    title: str
    subtitle: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    foot: Sequence[Sequence[Any]] = field(default_factory=tuple)
    # Row numbers (0-based among `rows`) written as a group's heading across the sheet.
    headings: frozenset[int] = frozenset()
    locale: str = DEFAULT


def header(key: str, locale: str) -> str:
    """A column's header from the catalogue."""
    return text(f"export.col.{key}", locale)


def subtitle(parts: Sequence[str], now: datetime, locale: str) -> str:
    """The line under the title: the campaign, the scope, the time of export (北京时间)."""
    at = text("export.exported_at", locale, at=moment(now, locale))
    return text("export.separator", locale).join([*parts, at])


def local_instant(value: datetime) -> datetime:
    """An instant as Beijing wall-clock time, as Excel keeps it (no zone)."""
    return value.astimezone(BEIJING).replace(tzinfo=None)


def write_book(sheets: Sequence[Sheet]) -> bytes:
    """The workbook with these sheets, as XLSX bytes."""
    book = Workbook(write_only=True)
    for style in _named_styles():
        book.add_named_style(style)
    for spec in sheets:
        _write_sheet(book.create_sheet(spec.tab[:31]), spec)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _named_styles() -> list[NamedStyle]:
    """The styles cells take by name: a cell's style set by name is a copy of a prepared
    array, where setting its font, border and format one by one hashes each (10x slower)."""
    styles = [
        NamedStyle("hf-title", font=_TITLE, alignment=_CENTRE),
        NamedStyle("hf-header", font=_BOLD, fill=_HEADER_FILL, border=_BOX, alignment=_CENTRE),
        NamedStyle("hf-heading", font=_BOLD),
        NamedStyle("hf-plain"),
        NamedStyle("hf-foot-instant", number_format=FORMATS["instant"]),
        NamedStyle("hf-foot-share", number_format=FORMATS["share"]),
    ]
    for kind in ("text", *FORMATS):
        fmt = FORMATS.get(kind, "General")
        styles.append(NamedStyle(f"hf-{kind}", border=_BOX, number_format=fmt))
        styles.append(
            NamedStyle(f"hf-{kind}-wrap", border=_BOX, number_format=fmt, alignment=_WRAP)
        )
    return styles


def _write_sheet(ws: WriteOnlyWorksheet, spec: Sheet) -> None:
    """Widths, frozen header and merged title rows first: write-only sheets take them before
    any row."""
    last = get_column_letter(len(spec.columns))
    for index, column in enumerate(spec.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")
    ws.append([_cell(ws, spec.title, "hf-title")])
    ws.append([_cell(ws, spec.subtitle, "hf-plain")])
    ws.append([_cell(ws, header(c.key, spec.locale), "hf-header") for c in spec.columns])
    styles = [f"hf-{c.kind}" + ("-wrap" if c.wrap else "") for c in spec.columns]
    row_number = HEADER_ROW
    for index, row in enumerate(spec.rows):
        row_number += 1
        if index in spec.headings:
            ws.merged_cells.add(f"A{row_number}:{last}{row_number}")
            ws.append([_cell(ws, row[0], "hf-heading")])
            continue
        ws.append([_cell(ws, _excel(v), style) for v, style in zip(row, styles, strict=False)])
    if spec.foot:
        ws.append([])
    for row in spec.foot:
        ws.append([_foot(ws, v) for v in row])


def _excel(value: Any) -> Any:
    """A value as Excel keeps it: an instant as Beijing wall-clock time, the rest as it is."""
    return local_instant(value) if isinstance(value, datetime) else value


def _cell(ws: WriteOnlyWorksheet, value: Any, style: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.style = style
    return cell


def _foot(ws: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    if isinstance(value, datetime):
        return _cell(ws, local_instant(value), "hf-foot-instant")
    if isinstance(value, float):
        return _cell(ws, value, "hf-foot-share")
    return _cell(ws, value, "hf-plain")
