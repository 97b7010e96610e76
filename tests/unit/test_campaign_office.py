"""The campaign office's checks and defaults, table-driven."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from workflow.campaign_office import OfficeInput, apply_office, office_of
from workflow.errors import InvalidInput


@pytest.mark.parametrize(
    "phone", ["0791-86123456", "010-12345678", "010 12345678", "07918612345", "0791-86123456转801"]
)
def test_a_telephone_with_its_area_code_is_taken(phone: str) -> None:
    OfficeInput(office_phone=phone).check()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"office_phone": "86123456"}, "office_phone"),
        ({"office_phone": "13812345678"}, "office_phone"),  # a mobile has no area code
        ({"office_phone": "0791-861234567890"}, "office_phone"),
        ({"office_postcode": "33003A"}, "office_postcode"),
        ({"admin_email": "office@"}, "admin_email"),
        ({"admin_email": ""}, "admin_email"),
        ({"office_address": ""}, "office_address"),
        ({"office_name": "办" * 101}, "office_name"),
        ({"notice_title": "题" * 201}, "notice_title"),
    ],
)
def test_a_bad_value_names_its_field(values: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        OfficeInput(**values).cleaned().check()
    assert refused.value.field == field


def campaign(**values: Any) -> Any:
    base = dict.fromkeys(
        ("office_name", "office_phone", "office_address", "office_postcode", "notice_title",
         "notice_opening"),
    )  # fmt: skip
    return SimpleNamespace(
        title="2026年江西省劳动模范评选", admin_email="o@example.org", **base | values
    )


def test_defaults_and_overrides() -> None:
    row = campaign()
    office = office_of(row)
    assert office.title == "关于2026年江西省劳动模范评选拟表彰对象的公示"
    assert office.name == "评选表彰工作领导小组办公室" and not office.complete
    assert apply_office(row, OfficeInput(office_name="某办", notice_title="自定标题")) == [
        "office_name",
        "notice_title",
    ]
    assert office_of(row).title == "自定标题" and "某办" in office_of(row).opening
    assert apply_office(row, OfficeInput(notice_title="")) == ["notice_title"]
    assert row.notice_title is None  # "" puts the default back
    assert office_of(row, "en").title.startswith("Public notice")
