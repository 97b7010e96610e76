"""A composition rule's bound reads as words where people read it (不低于55.0%, 不超过3人): in
the verdict, the export's rows and, through `bound_message`, the pages; the code form
(">= 55.0%", "<= 3") stays for machines in `bound`."""

from __future__ import annotations

from typing import Any

import pytest

from config.catalogue import render
from tests.unit.composition_lists import (
    CONTROL,
    COVERAGE,
    FRONT_LINE,
    HEADS,
    enterprise_list,
    one,
    people,
)
from workflow.exports.composition import rule_row

THREE_HEADS = {**CONTROL, "max_count": 3}
CASES = [
    # rule, code, Chinese words, English words
    (FRONT_LINE, ">= 55.0%", "不低于55.0%", "at least 55.0%"),
    (HEADS, "<= 22.0%", "不高于22.0%", "at most 22.0%"),
    ({**FRONT_LINE, "max_share": 0.7}, ">= 55.0%, <= 70.0%", "55.0%至70.0%", "55.0% to 70.0%"),
    (THREE_HEADS, "<= 3", "不超过3人", "at most 3"),
    ({**THREE_HEADS, "per_unit": True}, "<= 3", "不超过3人", "at most 3"),
    (COVERAGE, ">= 2", "不少于2人", "at least 2"),
]
OPERATORS = ("<=", ">=", "<", ">")


@pytest.mark.parametrize(("raw", "code", "chinese", "english"), CASES)
def test_the_bound_is_a_code_for_machines_and_words_for_people(
    raw: dict[str, Any], code: str, chinese: str, english: str
) -> None:
    for members in (enterprise_list(55, 10, 35), people(5, official_level="county")):
        result = one(raw, members)
        assert result.bound == code
        assert result.bound_words == chinese == render(result.bound_message, "zh-CN")
        assert render(result.bound_message, "en") == english
        # The verdict people read holds the words, never the operator.
        assert not any(op in result.detail for op in OPERATORS), result.detail
        assert not any(op in result.text("en") for op in OPERATORS), result.text("en")


@pytest.mark.parametrize(("raw", "code", "chinese", "english"), CASES)
def test_the_exports_rule_row_shows_the_bound_in_the_sheets_words(
    raw: dict[str, Any], code: str, chinese: str, english: str
) -> None:
    result = one(raw, enterprise_list(55, 10, 35))
    assert rule_row(1, result, "zh-CN")[3] == chinese
    assert rule_row(1, result, "en")[3] == english


def test_a_verdict_within_its_bound_names_it_in_words() -> None:
    result = one(FRONT_LINE, enterprise_list(55, 0, 45))
    assert result.ok and result.detail.endswith("符合要求（不低于55.0%）")
    fine = one({**THREE_HEADS, "per_unit": True}, people(2, category="enterprise_head"))
    assert fine.ok and "各单位均未超出每单位控制数（不超过3人）" in fine.detail
