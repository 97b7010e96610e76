"""The nomination form as an XLSX template: the importer's own headers, drop-downs, help.

Everything comes from the importer's column table for the campaign's vocabularies
(`workflow.importing.columns_for`): headers, which columns are dates, and the labels each
enumerated column accepts, so a filled-in template imports as it is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from config.catalogue import DEFAULT, Listing, has, join, label, render, text
from models import Campaign
from workflow import form_cells
from workflow.importing import COLUMNS, DEEDS_MAX, SUMMARY_MAX, Column
from workflow.messages import beijing
from workflow.rules.quota import PlacesLeft

ROWS = 500  # rows made ready for entry (drop-downs, date format) under the header
_WIDTHS = {"long": 40, "prior": 32, "date": 13, "bool": 10, "count": 10, "code": 16}
_LIMITS = {"summary": SUMMARY_MAX, "deeds": DEEDS_MAX}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class TemplateSpec:
    """What one template is written for: the campaign, its units and their places."""

    campaign: Campaign
    unit_names: tuple[str, ...]
    places: tuple[PlacesLeft, ...]
    alternates: int  # how many alternate ranks the drop-down offers
    # The import's columns with the campaign's own codes and terms (`importing.columns_for`).
    columns: tuple[Column, ...] = COLUMNS


def choices(column: Column, spec: TemplateSpec) -> tuple[str, ...]:
    """The values a column's drop-down offers (empty for free text)."""
    if column.kind == "rank":
        return form_cells.rank_labels(spec.alternates)
    if column.field == "recommending_unit":
        return spec.unit_names
    return column.choices


def write_template(spec: TemplateSpec, locale: str = DEFAULT) -> bytes:
    """The XLSX file: the form sheet first (what the importer reads), then the help."""
    book = Workbook()
    form = book.active
    assert form is not None  # a new workbook has its one sheet
    form.title = text("template.sheet_form", locale)
    help_sheet = book.create_sheet(text("template.sheet_help", locale))
    lists = book.create_sheet(text("template.sheet_lists", locale))
    _write_form(form, lists, spec, locale)
    _write_help(help_sheet, spec, locale)
    lists.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_form(form: Worksheet, lists: Worksheet, spec: TemplateSpec, locale: str) -> None:
    listed = 0
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        head = form.cell(row=1, column=index, value=column.zh)
        head.font = Font(bold=column.required)
        head.fill = _HEADER_FILL
        width = max(len(column.zh) * 2 + 4, _WIDTHS.get(column.kind, 14))
        form.column_dimensions[letter].width = width
        if column.kind == "date":
            for row in range(2, ROWS + 2):
                form.cell(row=row, column=index).number_format = "yyyy-mm-dd"
        values = choices(column, spec)
        if values:
            listed += 1
            form.add_data_validation(
                _drop_down(lists, listed, column, values, f"{letter}2:{letter}{ROWS + 1}", locale)
            )
    form.freeze_panes = "A2"


def _drop_down(
    lists: Worksheet, at: int, column: Column, values: tuple[str, ...], cells: str, locale: str
) -> DataValidation:
    """A list validation over `cells`, its values kept on the hidden lists sheet."""
    # On a sheet rather than inline: an inline list is limited to 255 characters.
    lists.cell(row=1, column=at, value=column.zh)
    for row, value in enumerate(values, start=2):
        lists.cell(row=row, column=at, value=value)
    letter = get_column_letter(at)
    source = f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(values) + 1}"
    validation = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=text("template.not_in_list_title", locale),
        error=text("template.not_in_list", locale, column=column.zh),
    )
    validation.add(cells)
    return validation


def _write_help(sheet: Worksheet, spec: TemplateSpec, locale: str) -> None:
    campaign = spec.campaign
    lines = [text("template.help_title", locale, campaign=campaign.title)]
    deadline = campaign.submission_deadline
    if deadline is None:
        lines.append(text("template.help_no_deadline", locale))
    else:
        closes = render(beijing(deadline), locale)
        lines.append(text("template.help_deadline", locale, deadline=closes))
    lines += [_places_line(p, locale) for p in spec.places]
    lines += [text(f"template.help_rule_{n}", locale) for n in (1, 2, 3)]
    for row, line in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=line).font = Font(bold=row == 1)
    top = len(lines) + 2
    heads = ("help_column", "help_required", "help_how", "help_values")
    for col, key in enumerate(heads, start=1):
        cell = sheet.cell(row=top, column=col, value=text(f"template.{key}", locale))
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
    for row, column in enumerate(spec.columns, start=top + 1):
        values = choices(column, spec)
        cells = (
            column.zh,
            text("template.yes" if column.required else "template.no", locale),
            _how(column, locale),
            join(values, locale) if values else "",
        )
        for col, value in enumerate(cells, start=1):
            sheet.cell(row=row, column=col, value=value).alignment = Alignment(wrap_text=True)
    for letter, width in zip("ABCD", (18, 8, 60, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=top + 1, column=1)


def _places_line(places: PlacesLeft, locale: str) -> str:
    scope = (
        label("vocab.category", places.category, locale)
        if places.category is not None
        else text("template.general_places", locale)
    )
    return text(
        "template.help_places",
        locale,
        scope=scope,
        places=places.places,
        used=places.used,
        left=places.left,
    )


def _how(column: Column, locale: str) -> str:
    """How to fill a column: its kind's words, then a note of its own if it has one."""
    words = text(
        f"template.kind.{column.kind}",
        locale,
        limit=_LIMITS.get(column.field, 0),
        grades=Listing(form_cells.GRADES, "or"),
    )
    note = f"template.note.{column.field}"
    if has(note):
        words += text(note, locale)
    if column.vocab is not None and column.vocab.terms:  # the definition's own words
        words += text("template.terms", locale, terms=Listing(tuple(column.vocab.terms), "and"))
    return words
