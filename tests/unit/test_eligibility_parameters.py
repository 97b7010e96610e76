"""Eligibility rules: parameter validation and the runner."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.unit.eligibility_facts import ctx, facts, honour
from workflow.rules.eligibility import (
    ELIGIBILITY_RULES,
    NoParams,
    check_eligibility,
    parse_rule_params,
)


def test_defaults_are_the_domain_figures() -> None:
    dumped = {name: parse_rule_params(name, None).model_dump() for name in ELIGIBILITY_RULES}
    assert dumped["prior_honour"] == {"window_years": 5}
    assert dumped["nationality"] == {"allowed": ("CN",)}
    assert dumped["required_lower_honour"] == {
        "min_level": "municipal",
        "applies_to_levels": ("provincial", "national"),
    }
    assert dumped["nonpublic_evaluation"] == {
        "ownership": "non_public",
        "categories": None,
        "accepted_grades": ("A", "B"),
        "valid_years": 3,
    }
    assert dumped["democratic_recommendation"] == {
        "approval_min": 0.5,
        "leader_approval_min": 0.85,
        "leader_categories": ("enterprise_head", "official"),
    }
    assert dumped["unit_notice"] == {"min_working_days": 5}
    assert len(dumped["enterprise_head_checks"]["checks"]) == 6
    assert dumped["retired"] == dumped["deceased"] == dumped["military"] == {}


@pytest.mark.parametrize("rule", sorted(ELIGIBILITY_RULES))
def test_unknown_parameter_is_rejected(rule: str) -> None:
    with pytest.raises(ValueError, match="bogus"):
        parse_rule_params(rule, {"bogus": 1})


@pytest.mark.parametrize(
    ("rule", "params", "fragment"),
    [
        ("nationality", {"allowed": []}, "allowed"),
        ("prior_honour", {"window_years": -1}, "window_years"),
        ("prior_honour", {"window_years": "five"}, "window_years"),
        ("required_lower_honour", {"min_level": "county"}, "unknown honour level 'county'"),
        ("required_lower_honour", {"applies_to_levels": ["planet"]}, "'planet'"),
        ("enterprise_head_checks", {"checks": ["bogus_problem"]}, "'bogus_problem'"),
        # "name" is a str field of the facts, not a yes/no one.
        ("enterprise_head_checks", {"checks": ["name"]}, "yes/no fact of a nominee 'name'"),
        ("enterprise_head_checks", {"checks": ["votes_for"]}, "'votes_for'"),
        ("enterprise_head_checks", {"categories": ["boss"]}, "unknown category 'boss'"),
        ("nonpublic_evaluation", {"ownership": "private"}, "unknown ownership 'private'"),
        ("nonpublic_evaluation", {"valid_years": 0}, "valid_years"),
        ("nonpublic_evaluation", {"accepted_grades": []}, "accepted_grades"),
        ("democratic_recommendation", {"approval_min": 1.5}, "approval_min"),
        ("democratic_recommendation", {"leader_approval_min": -0.1}, "leader_approval_min"),
        ("democratic_recommendation", {"leader_categories": ["boss"]}, "'boss'"),
        ("unit_notice", {"min_working_days": 0}, "min_working_days"),
    ],
)
def test_bad_parameter_is_rejected(rule: str, params: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValueError, match=rule) as info:
        parse_rule_params(rule, params)
    assert fragment in str(info.value)


def test_unknown_rule_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown eligibility rule 'age_limit'"):
        parse_rule_params("age_limit", {})


def test_parameters_can_be_valid_non_defaults() -> None:
    params = parse_rule_params("enterprise_head_checks", {"checks": ["wage_arrears_blacklist"]})
    assert params.model_dump()["checks"] == ("wage_arrears_blacklist",)


def test_wrong_parameter_model_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="UnitNoticeParams"):
        ELIGIBILITY_RULES["unit_notice"].check(facts(), ctx(), NoParams())


def defaults(*names: str) -> dict[str, Any]:
    return {name: parse_rule_params(name, None) for name in names}


def test_check_eligibility_returns_every_failure_in_configured_order() -> None:
    nominee = facts(retired=True, military=True, wage_arrears_blacklist=True)
    configured = defaults("wage_arrears_blacklist", "nationality", "military", "retired")
    failures = check_eligibility(nominee, ctx(), configured)
    assert [f.rule for f in failures] == ["wage_arrears_blacklist", "military", "retired"]


def test_check_eligibility_runs_only_configured_rules() -> None:
    assert check_eligibility(facts(retired=True), ctx(), defaults("military")) == []
    assert check_eligibility(facts(retired=True), ctx(), {}) == []


def test_check_eligibility_passes_a_good_nominee_under_all_defaults() -> None:
    nominee = facts(
        category="enterprise_head",
        ownership="non_public",
        evaluation_grade="A",
        evaluation_date=date(2024, 3, 1),
        prior_honours=(honour("municipal", 2018),),
        votes_for=90,
        votes_total=100,
        # 3-6 and 9 June: 2 June is the Dragon Boat holiday, 7-8 June a weekend.
        unit_notice_start=date(2025, 6, 2),
        unit_notice_end=date(2025, 6, 9),
    )
    assert check_eligibility(nominee, ctx(), defaults(*ELIGIBILITY_RULES)) == []


def test_check_eligibility_rejects_an_unknown_rule() -> None:
    with pytest.raises(ValueError, match="unknown eligibility rule"):
        check_eligibility(facts(), ctx(), {"age_limit": NoParams()})
