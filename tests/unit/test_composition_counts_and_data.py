"""Composition rules: per-unit control numbers, coverage, selectors and the rules' data."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.composition_lists import FRONT_LINE, HEADS, enterprise_list, one, people, person
from workflow.rules.composition import (
    ControlNumberRule,
    CoverageRule,
    GroupSelector,
    ShareRule,
    evaluate_composition,
    parse_composition_rules,
)

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
    assert "每单位控制数（不超过1人）：南昌市总工会 2、赣州市总工会 3（共超出3人）" in result.detail
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
