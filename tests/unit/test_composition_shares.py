"""Composition share rules: exact boundaries, both bounds, empty and default bases."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.composition_lists import FRONT_LINE, HEADS, enterprise_list, one, people

# --- share rules -------------------------------------------------------------


def test_min_share_exact_boundary_passes() -> None:
    result = one(FRONT_LINE, enterprise_list(55, 0, 45))
    assert (result.ok, result.count, result.base_count) == (True, 55, 100)
    assert result.slack == 0.0
    assert result.people_short == 0
    assert result.bound == ">= 55.0%"
    assert result.value == pytest.approx(0.55)


def test_min_share_one_below_fails_with_people_short() -> None:
    result = one(FRONT_LINE, enterprise_list(48, 0, 42))
    assert not result.ok
    assert (result.count, result.base_count) == (48, 90)
    assert result.slack < 0
    # 52/94 = 55.3% passes, 51/93 = 54.8% does not.
    assert result.people_short == 4
    assert "48 of 90" in result.text("en")
    assert "53.33%" in result.text("en")
    assert "below the minimum 55.0%" in result.text("en")
    assert "4 more needed" in result.text("en")
    assert result.detail == (
        "front-line workers and technicians of enterprise nominees："
        "单位性质为企业中人员类别为一线职工/专业技术人员："
        "90人中48人（53.33%），低于下限55.0%（还需4人）"
    )


def test_max_share_boundary_and_over() -> None:
    at_bound = one(HEADS, enterprise_list(50, 22, 28))
    assert at_bound.ok and at_bound.slack == 0.0 and at_bound.bound == "<= 22.0%"
    over = one(HEADS, enterprise_list(40, 25, 25))
    assert not over.ok
    # Removing 7 heads leaves 18/83 = 21.7%; removing 6 leaves 19/84 = 22.6%.
    assert over.people_short == 7
    assert "25 of 90" in over.text("en") and "above the maximum 22.0%" in over.text("en")


def test_share_with_both_bounds() -> None:
    raw = {**FRONT_LINE, "max_share": 0.7}
    assert one(raw, enterprise_list(70, 0, 30)).ok
    result = one(raw, enterprise_list(71, 0, 29))
    assert not result.ok and result.bound == ">= 55.0%, <= 70.0%"
    assert result.people_short == 4  # 67/96 = 69.8%


def test_share_over_empty_base_is_not_evaluated_never_met() -> None:
    members = people(5, employer_type="government", category="official", ownership="public")
    result = one(FRONT_LINE, members)
    assert (result.status, result.reason, result.ok) == ("not_evaluated", "empty_base", False)
    assert result.value == 0.0 and result.base_count == 0 and result.people_short == 0
    assert "not evaluated: the base (employer type=enterprise) is empty" in result.text("en")


def test_share_default_base_is_everyone() -> None:
    raw: dict[str, Any] = {
        "kind": "share",
        "id": "women",
        "label": "women",
        "group": {"gender": "F"},
    }
    raw["min_share"] = 0.2
    members = people(20, gender="F") + people(80, 100, gender="M")
    result = one(raw, members)
    assert result.ok and (result.count, result.base_count) == (20, 100)


def test_min_share_of_one_reports_the_non_group_members() -> None:
    raw = {**FRONT_LINE, "min_share": 1.0}
    result = one(raw, enterprise_list(8, 0, 2))
    assert not result.ok and result.people_short == 2


def test_bound_text_keeps_a_second_decimal() -> None:
    raw: dict[str, Any] = {"kind": "share", "id": "w", "label": "women", "group": {"gender": "F"}}
    raw["min_share"] = 0.2411
    assert one(raw, people(3, gender="F")).bound == ">= 24.11%"
