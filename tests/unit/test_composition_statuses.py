"""Composition statuses: met, missed, or not evaluated (with its reason), never a false pass."""

from __future__ import annotations

from typing import Any

import pytest

from config.catalogue import msg, render
from tests.unit.composition_lists import CONTROL, COVERAGE, FRONT_LINE, one, people, person
from workflow.exports.composition import rule_row
from workflow.rules.composition import CompositionResult, list_status

WOMEN: dict[str, Any] = {
    "kind": "share",
    "id": "women",
    "label": "女性占比",
    "group": {"gender": "F"},
    "min_share": 0.2,
}


@pytest.mark.parametrize("raw", [WOMEN, FRONT_LINE, {**WOMEN, "max_share": 0.5}])
def test_a_share_over_an_empty_list_is_not_evaluated(raw: dict[str, Any]) -> None:
    result = one(raw, [])
    assert (result.status, result.reason, result.ok) == ("not_evaluated", "empty_list", False)
    assert (result.count, result.base_count, result.people_short) == (0, 0, 0)
    assert result.detail == f"{raw['label']}：未评估：名单为空，无从计算"
    assert render(result.status_message) == "未评估（名单为空）"
    assert render(result.status_message, "en") == "not evaluated (the list is empty)"


def test_a_share_over_an_empty_base_is_not_evaluated() -> None:
    members = people(3, employer_type="government", category="official", ownership="public")
    result = one(FRONT_LINE, members)
    assert (result.status, result.reason, result.ok) == ("not_evaluated", "empty_base", False)
    assert "未评估：基数（单位性质为企业）为空" in result.detail
    assert render(result.status_message) == "未评估（基数为空）"


def test_a_share_over_a_list_is_met_or_missed_without_a_reason() -> None:
    met = one(WOMEN, [person(1, gender="F"), person(2, gender="M")])
    missed = one(WOMEN, people(5, gender="M"))
    assert (met.status, met.reason, met.ok) == ("met", None, True)
    assert (missed.status, missed.reason, missed.ok) == ("missed", None, False)
    assert (render(met.status_message), render(missed.status_message)) == ("达标", "未达标")


@pytest.mark.parametrize("per_unit", [False, True])
def test_a_control_number_over_an_empty_list_is_met(per_unit: bool) -> None:
    # Nobody cannot exceed a ceiling: the measure means something, and it holds.
    result = one({**CONTROL, "per_unit": per_unit}, [])
    assert (result.status, result.reason, result.ok) == ("met", None, True)
    assert result.count == 0 and result.people_short == 0


def test_a_coverage_rule_over_an_empty_list_is_missed() -> None:
    result = one(COVERAGE, [])
    assert (result.status, result.reason, result.ok) == ("missed", None, False)
    assert result.people_short == 2 and "还需2人" in result.detail


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "met"),
        (["met", "met"], "met"),
        (["met", "not_evaluated"], "not_evaluated"),
        (["not_evaluated", "missed", "met"], "missed"),
        (["missed"], "missed"),
    ],
)
def test_the_list_status_is_the_worst_of_its_rules(statuses: list[str], expected: str) -> None:
    assert list_status(statuses) == expected


def test_a_reason_goes_with_not_evaluated_only() -> None:
    figures = ("r", "r", "share", 0.0, 0, 0, ">= 20.0%", 0.0, 0)
    with pytest.raises(ValueError, match="reason"):
        CompositionResult(*figures, "not_evaluated", msg("composition.covered"))
    with pytest.raises(ValueError, match="reason"):
        CompositionResult(*figures, "met", msg("composition.covered"), "empty_list")


def test_the_report_row_carries_the_status_and_the_reason_in_words() -> None:
    empty = one(WOMEN, [])
    missed = one(WOMEN, people(5, gender="M"))
    met = one(WOMEN, people(5, gender="F"))
    assert rule_row(1, empty, "zh-CN")[7:9] == ["未评估", "名单为空"]
    assert rule_row(2, missed, "zh-CN")[7:9] == ["未达标", ""]
    assert rule_row(3, met, "zh-CN")[7:9] == ["达标", ""]
    assert rule_row(1, empty, "en")[7:9] == ["not evaluated", "the list is empty"]
