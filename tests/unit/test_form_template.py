"""The XLSX template: the importer's own headers, a drop-down for every enumerated column whose
values the importer accepts, dates as dates, the help sheet; filled in, it imports."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from models import Campaign
from workflow.form_template import ROWS, TemplateSpec, choices, write_template
from workflow.importing import COLUMNS, read_nominations
from workflow.rules.quota import PlacesLeft

UNIT = "南昌市总工会"


def _spec(deadline: datetime | None = datetime(2026, 3, 31, 9, 0, tzinfo=UTC)) -> TemplateSpec:
    campaign = Campaign(title="2026年测试评选", code="jx", submission_deadline=deadline)
    places = (PlacesLeft(None, 3, 1), PlacesLeft("enterprise_head", 1, 0))
    return TemplateSpec(campaign, (UNIT,), places, alternates=4)


def _book(spec: TemplateSpec | None = None) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(write_template(spec or _spec())))


def _list_values(book: openpyxl.Workbook, formula: str) -> list[str]:
    """The values a list validation offers: a range on the lists sheet."""
    sheet_name, cells = formula.rsplit("!", 1)
    sheet = book[sheet_name.strip("'")]
    first, last = (part.replace("$", "") for part in cells.split(":"))
    return [str(c.value) for row in sheet[first:last] for c in row]


def _validations(form: Worksheet) -> dict[str, str]:
    """Column letter -> the list formula of the validation covering that column's rows."""
    found = {}
    for dv in form.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            assert cell_range.min_row == 2 and cell_range.max_row == ROWS + 1
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = dv.formula1
    return found


def test_the_first_sheet_has_exactly_the_importers_headers_frozen() -> None:
    book = _book()
    form = book.worksheets[0]
    assert [c.value for c in form[1]] == [c.zh for c in COLUMNS]
    assert form.freeze_panes == "A2"
    assert all(form.column_dimensions[c.column_letter].width >= 8 for c in form[1])
    assert book.sheetnames[1] == "说明"


def test_every_enumerated_column_has_a_drop_down_the_importer_accepts() -> None:
    book = _book()
    form = book.worksheets[0]
    validations = _validations(form)
    spec = _spec()
    enumerated = [(i, c) for i, c in enumerate(COLUMNS) if choices(c, spec)]
    kinds = {c.kind for _, c in enumerated}
    assert {"code", "bool", "rank", "grade"} <= kinds
    assert "recommending_unit" in {c.field for _, c in enumerated}
    for index, column in enumerated:
        letter = form.cell(row=1, column=index + 1).column_letter
        offered = _list_values(book, validations.pop(letter))
        assert offered == list(choices(column, spec)), column.field
        for value in offered:
            column.parse(value)  # raises ValueError if the importer refuses it
    assert validations == {}  # no drop-down on a free-text column


def test_dates_are_formatted_as_dates() -> None:
    form = _book().worksheets[0]
    for index, column in enumerate(COLUMNS, start=1):
        fmt = form.cell(row=2, column=index).number_format
        assert (fmt == "yyyy-mm-dd") == (column.kind == "date"), column.field


def test_the_help_sheet_explains_columns_deadline_and_places() -> None:
    sheet = _book()["说明"]
    lines = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    joined = "\n".join(lines)
    assert "2026年3月31日17时（北京时间）" in joined
    assert "通用名额3个，已占用1个，尚余2个" in joined
    assert "企业负责人名额1个，已占用0个，尚余1个" in joined
    for column in COLUMNS:
        assert column.zh in lines, column.field
    assert "男、女" in joined and "2024年5月1日" in joined
    no_deadline = "\n".join(
        str(c.value) for row in _book(_spec(None))["说明"].iter_rows() for c in row if c.value
    )
    assert "未设报送截止时间" in no_deadline


@pytest.mark.parametrize("rank", ["主推", "后备2"])
def test_a_filled_template_imports(tmp_path: Path, rank: str) -> None:
    book = _book()
    form = book.worksheets[0]
    values = {
        "姓名": "赵师傅",
        "性别": "男",
        "出生日期": date(1975, 6, 1),
        "民族": "汉族",
        "工作单位": "江铃汽车股份有限公司",
        "单位性质": "企业",
        "人员类别": "一线职工",
        "职级": "无",
        "推荐单位": UNIT,
        "推荐荣誉": "江西省劳动模范",
        "推荐类型": rank,
        "是否退休": "否",
        "是否残疾": "否",
        "曾获荣誉": "2019 南昌市劳动模范",
        "赞成票": 88,
        "总票数": 90,
        "公示开始": date(2026, 2, 2),
        "公示结束": date(2026, 2, 6),
        "简要事迹": "扎根一线二十年。",
        "综合评价等级": "A",
    }
    for index, column in enumerate(COLUMNS, start=1):
        if column.zh in values:
            form.cell(row=2, column=index, value=values[column.zh])
    path = tmp_path / "filled.xlsx"
    book.save(path)

    [entry] = read_nominations(path, known_units={UNIT})
    assert entry.facts.name == "赵师傅" and entry.facts.birth_date == date(1975, 6, 1)
    assert entry.facts.category == "front_line_worker" and entry.facts.evaluation_grade == "A"
    assert entry.rank == ("main" if rank == "主推" else "alternate")
    assert entry.row == 2


def test_the_template_offers_the_definitions_own_codes_and_terms() -> None:
    from workflow.definition_loading import load_definition_file
    from workflow.importing import columns_for

    definition, _ = load_definition_file(
        Path(__file__).resolve().parents[2] / "config" / "workflows" / "jiangxi-labour-model.yaml"
    )
    spec = _spec()
    own = TemplateSpec(
        spec.campaign, spec.unit_names, spec.places, spec.alternates,
        columns_for(definition.vocabularies),
    )  # fmt: skip
    book = _book(own)
    form = book.worksheets[0]
    headers = [c.value for c in form[1]]
    letter = form.cell(row=1, column=headers.index("岗位类型") + 1).column_letter
    assert _list_values(book, _validations(form)[letter]) == ["急难险重岗位", "一般岗位"]
    help_rows = {row[0].value: row for row in book["说明"].iter_rows() if row[0].value}
    assert "国有企业" in str(help_rows["单位性质"][2].value)
    assert str(help_rows["岗位类型"][3].value).startswith("急难险重岗位")
