"""Composition rules: every kind, exact boundaries, empty bases, per-unit control numbers."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.facts import NomineeFacts
from workflow.rules.composition import (
    CompositionResult,
    ControlNumberRule,
    CoverageRule,
    GroupSelector,
    ShareRule,
    evaluate_composition,
    parse_composition_rules,
)

FRONT_LINE: dict[str, Any] = {
    "kind": "share",
    "id": "front_line",
    "label": "front-line workers and technicians of enterprise nominees",
    "group": {"category": ["front_line_worker", "technician"]},
    "base": {"employer_type": "enterprise"},
    "min_share": 0.55,
}
HEADS: dict[str, Any] = {
    "kind": "share",
    "id": "heads",
    "label": "enterprise heads",
    "group": {"category": "enterprise_head"},
    "base": {"employer_type": "enterprise"},
    "max_share": 0.22,
}


def person(n: int = 0, **kw: Any) -> NomineeFacts:
    return NomineeFacts(name=f"nominee {n}", birth_date=date(1980, 1, 1), **kw)


def people(count: int, start: int = 0, **kw: Any) -> list[NomineeFacts]:
    return [person(start + i, **kw) for i in range(count)]


def enterprise_list(front_line: int, heads: int, others: int) -> list[NomineeFacts]:
    return (
        people(front_line, 0, category="front_line_worker")
        + people(heads, 1000, category="enterprise_head")
        + people(others, 2000, category="other")
        # Government staff sit outside the enterprise base and must not count.
        + people(7, 3000, employer_type="government", category="official", ownership="public")
    )


def one(raw: dict[str, Any], members: list[NomineeFacts]) -> CompositionResult:
    (result,) = evaluate_composition(parse_composition_rules([raw]), members)
    return result


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


def test_share_over_empty_base_is_ok() -> None:
    members = people(5, employer_type="government", category="official", ownership="public")
    result = one(FRONT_LINE, members)
    assert result.ok and result.value == 0.0 and result.base_count == 0
    assert result.people_short == 0 and result.slack >= 0
    assert "empty" in result.text("en")


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


# --- control numbers and coverage ---------------------------------------------


def test_control_number_over_the_whole_list() -> None:
    raw = {
        "kind": "control_number",
        "id": "county",
        "label": "county-level officials",
        "group": {"official_level": "county"},
        "max_count": 3,
    }
    assert one(raw, people(3, official_level="county")).ok
    result = one(raw, people(5, official_level="county") + people(4, 10))
    assert not result.ok
    assert (result.value, result.count, result.base_count) == (5.0, 5, 9)
    assert (result.bound, result.slack, result.people_short) == ("<= 3", -2.0, 2)
    assert "2 over" in result.text("en")


def test_control_number_per_unit_names_the_worst_unit() -> None:
    raw = {
        "kind": "control_number",
        "id": "heads_per_unit",
        "label": "enterprise heads per unit",
        "group": {"category": "enterprise_head"},
        "max_count": 1,
        "per_unit": True,
    }
    members = (
        people(3, 0, category="enterprise_head", recommending_unit="赣州市总工会")
        + people(2, 10, category="enterprise_head", recommending_unit="南昌市总工会")
        + people(1, 20, category="enterprise_head", recommending_unit="省交通运输厅")
        + people(4, 30, recommending_unit="赣州市总工会")
    )
    result = one(raw, members)
    assert not result.ok
    assert (result.value, result.count, result.base_count) == (3.0, 3, 7)
    assert result.slack == -2.0
    assert result.people_short == 3  # two over in 赣州, one over in 南昌
    assert "worst unit 赣州市总工会 has 3" in result.text("en")
    assert "南昌市总工会 2" in result.text("en")
    assert "赣州市总工会中人员类别为企业负责人的人选最多，共3名" in result.detail
    assert "每单位控制数<= 1：南昌市总工会 2、赣州市总工会 3（共超出3人）" in result.detail
    fine = one(raw, members[4:])  # one head left in each unit
    assert fine.ok and fine.people_short == 0 and fine.slack == 0.0


def test_control_number_per_unit_with_nobody_in_the_group() -> None:
    raw: dict[str, Any] = {
        "kind": "control_number",
        "id": "c",
        "label": "c",
        "group": {"military": True},
    }
    raw |= {"max_count": 0, "per_unit": True}
    result = one(raw, people(3))
    assert result.ok and result.count == 0 and result.slack == 0.0


def test_coverage() -> None:
    raw = {"kind": "coverage", "id": "gig", "label": "gig workers", "group": {"gig_worker": True}}
    result = one(raw, people(5))
    assert not result.ok and (result.people_short, result.bound, result.slack) == (1, ">= 1", -1.0)
    assert "1 more needed" in result.text("en")
    assert one(raw, [*people(5), person(9, gig_worker=True)]).ok
    two = one({**raw, "min_count": 2}, [person(9, gig_worker=True)])
    assert not two.ok and two.people_short == 1


# --- selectors and rule data ---------------------------------------------------


def test_selector_and_or_and_labels() -> None:
    selector = GroupSelector({"category": ["一线职工", "technician"], "gender": "女"})
    assert selector.root == {"category": ["front_line_worker", "technician"], "gender": ["F"]}
    assert selector.matches(person(category="technician", gender="F"))
    assert not selector.matches(person(category="technician", gender="M"))
    assert not selector.matches(person(category="other", gender="F"))
    assert GroupSelector({}).matches(person())


def test_evaluation_keeps_rule_order_and_kinds() -> None:
    rules = parse_composition_rules(
        [HEADS, FRONT_LINE, {"kind": "coverage", "id": "w", "label": "w", "group": {"gender": "F"}}]
    )
    assert [type(r) for r in rules] == [ShareRule, ShareRule, CoverageRule]
    results = evaluate_composition(rules, enterprise_list(60, 10, 30))
    assert [(r.rule_id, r.kind) for r in results] == [
        ("heads", "share"),
        ("front_line", "share"),
        ("w", "coverage"),
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"group": {"salary": 3}}, "salary"),
        ({"group": {"disability": "yes"}}, "disability"),
        ({"group": {"votes_for": True}}, "votes_for"),
        ({"group": {"category": "enterprize_head"}}, "enterprize_head"),
        ({"group": {"prior_honours": []}}, "prior_honours"),
        ({"group": {"gender": []}}, "empty"),
        ({"min_share": 1.5}, "min_share"),
        ({"min_share": None}, "needs min_share or max_share"),
        ({"max_share": 0.5}, "min_share exceeds max_share"),
        ({"colour": "red"}, "colour"),
        ({"kind": "ratio"}, "ratio"),
        ({"id": ""}, "id"),
    ],
)
def test_bad_rule_data_is_rejected(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_composition_rules([{**FRONT_LINE, **change}])


def test_bad_control_and_coverage_data() -> None:
    base = {"kind": "control_number", "id": "c", "label": "c", "group": {}}
    with pytest.raises(ValueError, match="max_count"):
        parse_composition_rules([{**base, "max_count": -1}])
    with pytest.raises(ValueError, match="max_count"):
        parse_composition_rules([base])
    with pytest.raises(ValueError, match="min_count"):
        parse_composition_rules([{**base, "kind": "coverage", "min_count": 0}])
    assert isinstance(parse_composition_rules([{**base, "max_count": 0}])[0], ControlNumberRule)


def test_duplicate_rule_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="'heads' is used more than once"):
        parse_composition_rules([HEADS, {**FRONT_LINE, "id": "heads"}])


# --- properties ------------------------------------------------------------------


@given(
    in_group=st.integers(0, 60),
    out_group=st.integers(0, 60),
    outside_base=st.integers(0, 5),
    min_permille=st.one_of(st.none(), st.integers(0, 1000)),
    max_permille=st.one_of(st.none(), st.integers(0, 1000)),
)
def test_share_verdict_is_exact(
    in_group: int,
    out_group: int,
    outside_base: int,
    min_permille: int | None,
    max_permille: int | None,
) -> None:
    if min_permille is None and max_permille is None:
        min_permille = 500
    if min_permille is not None and max_permille is not None and min_permille > max_permille:
        min_permille, max_permille = max_permille, min_permille
    raw: dict[str, Any] = {**FRONT_LINE}
    raw["min_share"] = None if min_permille is None else min_permille / 1000
    raw["max_share"] = None if max_permille is None else max_permille / 1000
    members = (
        people(in_group, 0, category="technician")
        + people(out_group, 100, category="other")
        + people(outside_base, 200, employer_type="village", category="technician")
    )
    result = one(raw, members)
    assert result.ok == (result.slack >= 0)
    base = in_group + out_group
    if base == 0:
        assert result.ok
        return
    share = Fraction(in_group, base)
    low_ok = min_permille is None or share >= Fraction(min_permille, 1000)
    high_ok = max_permille is None or share <= Fraction(max_permille, 1000)
    assert result.ok == (low_ok and high_ok)
    assert (result.people_short == 0) == result.ok
    if not low_ok and min_permille is not None and min_permille < 1000:
        # people_short is the least number of group members that closes the gap.
        minimum = Fraction(min_permille, 1000)
        k = result.people_short
        assert Fraction(in_group + k, base + k) >= minimum
        assert Fraction(in_group + k - 1, base + k - 1) < minimum
    if not high_ok and max_permille is not None:
        maximum = Fraction(max_permille, 1000)
        k = result.people_short
        assert k <= in_group
        assert k == base or Fraction(in_group - k, base - k) <= maximum
        assert Fraction(in_group - k + 1, base - k + 1) > maximum


@given(
    counts=st.lists(st.integers(0, 6), min_size=0, max_size=5),
    max_count=st.integers(0, 5),
    min_count=st.integers(1, 8),
)
def test_count_rules_ok_iff_slack_non_negative(
    counts: list[int], max_count: int, min_count: int
) -> None:
    members = [
        person(100 * unit + i, military=True, recommending_unit=f"unit {unit}")
        for unit, count in enumerate(counts)
        for i in range(count)
    ]
    group = {"military": True}
    rules = parse_composition_rules(
        [
            {
                "kind": "control_number",
                "id": "a",
                "label": "a",
                "group": group,
                "max_count": max_count,
            },
            {"kind": "control_number", "id": "b", "label": "b", "group": group}
            | {"max_count": max_count, "per_unit": True},
            {"kind": "coverage", "id": "c", "label": "c", "group": group, "min_count": min_count},
        ]
    )
    total, per_unit, coverage = evaluate_composition(rules, members)
    for result in (total, per_unit, coverage):
        assert result.ok == (result.slack >= 0)
        assert (result.people_short == 0) == result.ok
    assert total.ok == (sum(counts) <= max_count)
    assert per_unit.ok == all(c <= max_count for c in counts)
    assert per_unit.people_short == sum(max(0, c - max_count) for c in counts)
    assert coverage.ok == (sum(counts) >= min_count)
