"""Group selectors with operators: in, not, min, max, under, and `age` on the reference date."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from config.catalogue import render
from tests.unit.composition_lists import person
from tests.unit.definition_edits import JIANGXI, Raw, error_of, load_changed
from web.pages.definition_errors import annotate
from workflow.definition_loading import load_definition_text
from workflow.errors import DefinitionError, InvalidInput
from workflow.facts import NomineeFacts
from workflow.honour_titles import title_for
from workflow.nominee_checks import age_at
from workflow.rules import composition_edit
from workflow.rules.composition import (
    GroupSelector,
    evaluate_composition,
    parse_composition_rules,
)
from workflow.rules.composition_groups import ReferenceDateMissing

BORN = date(1991, 6, 1)
BIRTHDAY = date(2026, 6, 1)  # 35 today
EVE = date(2026, 5, 31)  # still 34
HUI = person(1, ethnicity="回族", official_level="county", votes_for=80, retired=True)
HAN = person(2, ethnicity="汉族", official_level="none", votes_for=None)


# --- each operator matches and does not match ---------------------------------------------


@pytest.mark.parametrize(
    ("selector", "matching", "other"),
    [
        ({"ethnicity": "回族"}, HUI, HAN),
        ({"official_level": ["county", "厅局级"]}, HUI, HAN),
        ({"official_level": {"in": ["县处级", "bureau"]}}, HUI, HAN),
        ({"official_level": {"in": "county"}}, HUI, HAN),
        ({"ethnicity": {"not": "汉族"}}, HUI, HAN),
        ({"official_level": {"not": ["none", "section"]}}, HUI, HAN),
        ({"retired": {"not": False}}, HUI, HAN),
        ({"votes_for": {"min": 80}}, HUI, person(3, votes_for=79)),
        ({"votes_for": {"max": 80}}, HUI, person(3, votes_for=81)),
        ({"votes_for": {"under": 81}}, HUI, person(3, votes_for=81)),
        ({"votes_for": {"min": 60, "under": 90}}, HUI, person(3, votes_for=90)),
        ({"votes_for": {"min": 60, "under": 90}}, HUI, person(3, votes_for=59)),
        ({"votes_for": {"in": [80, 81], "not": 81}}, HUI, person(3, votes_for=81)),
        # A number not given meets no bound, but is "not" any number.
        ({"votes_for": {"max": 100}}, HUI, HAN),
        ({"votes_for": {"not": None}}, HUI, HAN),
        (
            {"ethnicity": {"not": "汉族"}, "official_level": "county"},
            HUI,
            person(3, ethnicity="回族"),
        ),
    ],
)
def test_each_operator_matches_and_misses(
    selector: dict[str, Any], matching: NomineeFacts, other: NomineeFacts
) -> None:
    group = GroupSelector(selector)
    assert group.matches(matching)
    assert not group.matches(other)


def test_conditions_are_stored_in_one_normal_form_that_reads_back_the_same() -> None:
    group = GroupSelector(
        {
            "official_level": {"in": "县处级"},
            "ethnicity": {"not": "汉族"},
            "age": {"under": 35, "min": 18},
            "gender": "女",
        }
    )
    assert group.root == {
        "official_level": ["county"],
        "ethnicity": {"not": ["汉族"]},
        "age": {"min": 18, "under": 35},
        "gender": ["F"],
    }
    assert GroupSelector(group.model_dump(mode="json")).root == group.root


# --- age on the reference date ----------------------------------------------------------


def test_age_counts_whole_years_on_the_day() -> None:
    assert (age_at(BORN, BIRTHDAY), age_at(BORN, EVE)) == (35, 34)
    assert age_at(date(2000, 2, 29), date(2026, 2, 28)) == 25
    assert age_at(date(2000, 2, 29), date(2026, 3, 1)) == 26


def test_an_age_selector_is_counted_on_the_reference_date_across_a_birthday() -> None:
    nominee = NomineeFacts(name="李四", birth_date=BORN)
    under_35 = GroupSelector({"age": {"under": 35}})
    at_least_35 = GroupSelector({"age": {"min": 35}})
    aged_34 = GroupSelector({"age": 34})
    assert under_35.matches(nominee, on=EVE) and not under_35.matches(nominee, on=BIRTHDAY)
    assert at_least_35.matches(nominee, on=BIRTHDAY) and not at_least_35.matches(nominee, on=EVE)
    assert aged_34.matches(nominee, on=EVE) and not aged_34.matches(nominee, on=BIRTHDAY)
    assert GroupSelector({"age": {"max": 34}}).matches(nominee, on=EVE)
    assert not GroupSelector({"age": {"max": 34}}).matches(nominee, on=BIRTHDAY)


def test_an_age_selector_without_a_date_is_refused_not_guessed() -> None:
    nominee = NomineeFacts(name="李四", birth_date=BORN)
    with pytest.raises(ReferenceDateMissing) as refused:
        GroupSelector({"age": {"under": 35}}).matches(nominee)
    assert "按年龄选取" in render(refused.value.message)
    assert GroupSelector({"ethnicity": "汉族"}).matches(nominee)  # no age: no date needed


def test_evaluation_counts_ages_on_the_day_and_refuses_no_day() -> None:
    rules = parse_composition_rules(
        [
            {"kind": "coverage", "id": "young", "label": "青年", "group": {"age": {"under": 35}}},
            {
                "kind": "share",
                "id": "young_women",
                "label": "青年女性",
                "group": {"gender": "F"},
                "base": {"age": {"under": 35}},
                "max_share": 0.5,
            },
        ]
    )
    members = [NomineeFacts(name="李四", birth_date=BORN, gender="F")]
    on_eve = evaluate_composition(rules, members, on=EVE)
    on_birthday = evaluate_composition(rules, members, on=BIRTHDAY)
    assert [(r.ok, r.count, r.base_count) for r in on_eve] == [(True, 1, 1), (False, 1, 1)]
    # On her birthday she leaves the share's base: over an empty base it is not evaluated.
    assert [(r.status, r.count, r.base_count) for r in on_birthday] == [
        ("missed", 0, 1),
        ("not_evaluated", 0, 0),
    ]
    with pytest.raises(ReferenceDateMissing):
        evaluate_composition(rules, members)
    with pytest.raises(ReferenceDateMissing):  # refused for what the rule says, not the list
        evaluate_composition(rules, [])
    with pytest.raises(ReferenceDateMissing):  # the share's base selects on age too
        evaluate_composition(rules[1:], [])


def test_a_title_chosen_by_age_is_counted_on_the_date_given() -> None:
    definition = load_changed(
        lambda raw: raw["documents"].update(
            titles=[
                {"title": "青年岗位能手", "group": {"age": {"under": 35}}},
                {"title": "劳动模范"},
            ]
        )
    )
    nominee = NomineeFacts(name="李四", birth_date=BORN)
    assert title_for(definition, nominee, "", "荣誉", on=EVE) == "青年岗位能手"
    assert title_for(definition, nominee, "", "荣誉", on=BIRTHDAY) == "劳动模范"
    with pytest.raises(ReferenceDateMissing):
        title_for(definition, nominee, "", "荣誉")


# --- describe() ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "zh", "en"),
    [
        ({"ethnicity": {"not": "汉族"}}, "民族不为汉族", "ethnicity is not 汉族"),
        (
            {"age": {"under": 35}},
            "年龄（事迹起算日期）小于35岁",
            "age on the reference date under 35",
        ),
        (
            {"age": {"min": 18, "max": 60}},
            "年龄（事迹起算日期）不小于18岁、不大于60岁",
            "age on the reference date at least 18, at most 60",
        ),
        ({"official_level": {"in": ["county", "bureau"]}}, "职级为县处级/厅局级", None),
        ({"official_level": {"not": ["none", "section"]}}, "职级不为无/科级", None),
        ({"votes_for": {"min": 80}}, "赞成票不小于80", "votes for at least 80"),
        (
            {"category": {"in": "enterprise_head", "not": "technician"}, "gender": "F"},
            "人员类别为企业负责人、不为专业技术人员、性别为女",
            None,
        ),
        ({"retired": {"not": True}}, "是否退休不为是", None),
    ],
)
def test_describe_words_each_operator(selector: dict[str, Any], zh: str, en: str | None) -> None:
    words = GroupSelector(selector).describe()
    assert render(words) == zh
    if en is not None:
        assert render(words, "en") == en


# --- validation: each problem at its key path ---------------------------------------------


def _group(index: int, group: dict[str, Any]) -> Any:
    def change(raw: Raw) -> None:
        raw["composition"][index]["group"] = group

    return change


@pytest.mark.parametrize(
    ("index", "group", "path", "problem"),
    [
        (3, {"ethnicity": {"not": []}}, "composition.3.group.ethnicity.not", "empty list"),
        (2, {"age": {"under": "35"}}, "composition.2.group.age.under", "integer"),
        (2, {"age": {"upto": 35}}, "composition.2.group.age.upto", "unknown operator 'upto'"),
        (0, {"ethnicity": {"min": 3}}, "composition.0.group.ethnicity.min", "whole-number"),
        (0, {"disability": {"under": 1}}, "composition.0.group.disability.under", "in or not"),
        (1, {"age": {"min": 40, "max": 35}}, "composition.1.group.age.max", "leave no value"),
        (1, {"age": {"min": 35, "under": 35}}, "composition.1.group.age.under", "no value"),
        (1, {"age": {}}, "composition.1.group.age", "has no condition"),
        (
            4,
            {"category": {"in": ["technician", "ceo"]}},
            "composition.4.group.category.in.1",
            "'ceo'",
        ),
        (4, {"category": ["ceo"]}, "composition.4.group.category.0", "'ceo'"),
        (5, {"shoe_size": {"min": 40}}, "composition.5.group.shoe_size", "shoe_size"),
    ],
)
def test_a_bad_selector_is_reported_at_its_key(
    index: int, group: dict[str, Any], path: str, problem: str
) -> None:
    text = error_of(_group(index, group))
    [line] = [line for line in text.splitlines() if f": {path}: " in line]
    assert problem in line, text


def test_every_bad_field_of_a_selector_is_reported_in_chinese() -> None:
    bad = {"ethnicity": {"not": []}, "age": {"under": True}, "retired": {"min": 1}}
    text = error_of(_group(3, bad), "zh-CN")
    assert "composition.3.group.ethnicity.not: 字段“民族”的取值列表为空" in text
    assert "composition.3.group.age.under: 须为整数" in text
    assert "composition.3.group.retired.min: 运算符“min”只用于整数字段" in text


def test_the_campaign_rules_editor_names_the_operator_too() -> None:
    rule = {"kind": "coverage", "id": "young", "label": "青年", "group": {"age": {"under": -1}}}
    assert composition_edit.validate([rule])  # a silly bound is still a bound
    with pytest.raises(InvalidInput) as refused:
        composition_edit.validate([{**rule, "group": {"age": {"below": 35}}}])
    assert refused.value.field == "rules.0.group.age.below"
    assert "未知的运算符“below”" in str(refused.value)


def test_parse_errors_raise_validation_errors_with_the_path() -> None:
    with pytest.raises(ValidationError) as refused:
        GroupSelector({"age": {"min": 5, "max": 1}})
    assert [e["loc"] for e in refused.value.errors()] == [("age", "max")]


def test_the_upload_page_places_the_problem_on_the_operator_s_line() -> None:
    text = JIANGXI.read_text(encoding="utf-8").replace(
        "composition:\n",
        "composition:\n  - kind: coverage\n    id: young\n    label: 青年\n    group:\n"
        "      age:\n        min: 18\n        under: 16\n",
    )
    with pytest.raises(DefinitionError) as refused:
        load_definition_text(text, "upload.yaml")
    lines, unplaced = annotate(text, refused.value.text("zh-CN"), "upload.yaml")
    [placed] = [line for line in lines if line.problems]
    assert unplaced == [] and placed.text == "        under: 16"
    assert placed.problems[0].startswith("composition.0.group.age.under: ")


def test_the_rule_editor_shows_and_reads_back_operators() -> None:
    group = {"age": {"under": 35, "min": 18}, "ethnicity": {"not": "汉族"}}
    [rule] = composition_edit.validate(
        [{"kind": "coverage", "id": "y", "label": "青年", "group": group}]
    )
    cells = composition_edit.form_cells(rule)
    assert cells["group"] == "{age: {min: 18, under: 35}, ethnicity: {not: [汉族]}}"
    [again] = composition_edit.validate(composition_edit.from_form([cells]))
    assert again == rule
    assert render(composition_edit.rule_in_words(rule)).startswith(
        "年龄（事迹起算日期）不小于18岁、小于35岁、民族不为汉族"
    )
