"""Eligibility rules: every rule at its edge values, parameter validation, the runner."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.calendar import WorkingCalendar
from workflow.errors import CalendarRangeError, RuleFailure
from workflow.facts import NomineeFacts, PriorHonour
from workflow.rules.eligibility import (
    ELIGIBILITY_RULES,
    EligibilityContext,
    NoParams,
    check_eligibility,
    parse_rule_params,
)

CAL = WorkingCalendar()
REF = date(2025, 6, 30)


def facts(**kw: Any) -> NomineeFacts:
    return NomineeFacts(name="张三", birth_date=date(1980, 5, 1), **kw)


def ctx(level: str = "provincial", ref: date = REF, **kw: Any) -> EligibilityContext:
    base = EligibilityContext(reference_date=ref, honour_level=level, registry=(), calendar=CAL)
    return replace(base, **kw)


def run(
    rule: str, nominee: NomineeFacts, context: EligibilityContext, params: dict[str, Any] | None
) -> RuleFailure | None:
    return ELIGIBILITY_RULES[rule].check(nominee, context, parse_rule_params(rule, params))


def honour(level: str, year: int, title: str = "劳动模范") -> PriorHonour:
    return PriorHonour(title=title, level=level, year=year)


# (rule, params, facts, context, expected reason fragments; None = passes)
Case = tuple[str, dict[str, Any] | None, NomineeFacts, EligibilityContext, list[str] | None]

EVAL_OK = {"ownership": "non_public", "evaluation_grade": "A"}
LEADER = {"category": "enterprise_head"}
CASES: list[Case] = [
    ("retired", None, facts(), ctx(), None),
    ("retired", None, facts(retired=True), ctx(), ["retired", "no retirement exception"]),
    ("retired", None, facts(retired=True, retirement_exception=True), ctx(), None),
    ("deceased", None, facts(), ctx(), None),
    ("deceased", None, facts(deceased=True), ctx(), ["deceased"]),
    ("deceased", None, facts(deceased=True, died_during_review=True), ctx(), None),
    ("military", None, facts(), ctx(), None),
    ("military", None, facts(military=True), ctx(), ["active military"]),
    ("nationality", None, facts(), ctx(), None),
    ("nationality", None, facts(nationality="US"), ctx(), ["'US'", "CN"]),
    ("nationality", {"allowed": ["CN", "HK"]}, facts(nationality="HK"), ctx(), None),
    # prior_honour: reference 2025, window 5 -> honours of 2020 or later count.
    ("prior_honour", None, facts(), ctx(), None),
    (
        "prior_honour",
        None,
        facts(prior_honours=(honour("provincial", 2020, "江西省劳动模范"),)),
        ctx(),
        ["'江西省劳动模范' (provincial, 2020)", "2020 or later", "5-year"],
    ),
    ("prior_honour", None, facts(prior_honours=(honour("provincial", 2019),)), ctx(), None),
    ("prior_honour", None, facts(prior_honours=(honour("national", 2023),)), ctx(), ["2023"]),
    ("prior_honour", None, facts(prior_honours=(honour("municipal", 2024),)), ctx(), None),
    ("prior_honour", None, facts(), ctx(registry=(honour("provincial", 2022),)), ["2022"]),
    (
        "prior_honour",
        None,
        facts(prior_honours=(honour("provincial", 2022),), new_major_contribution=True),
        ctx(),
        None,
    ),
    (
        "prior_honour",
        {"window_years": 0},
        facts(prior_honours=(honour("national", 2024),)),
        ctx(),
        None,
    ),
    (
        "prior_honour",
        {"window_years": 0},
        facts(prior_honours=(honour("national", 2025),)),
        ctx(),
        ["2025 or later"],
    ),
    (
        "prior_honour",
        None,
        facts(prior_honours=(honour("provincial", 2022),)),
        ctx("national"),
        None,
    ),
    # required_lower_honour: provincial and national need municipal <= level < honour level.
    ("required_lower_honour", None, facts(prior_honours=(honour("municipal", 2010),)), ctx(), None),
    ("required_lower_honour", None, facts(), ctx(), ["provincial", "municipal", "none"]),
    ("required_lower_honour", None, facts(prior_honours=(honour("unit", 2010),)), ctx(), [""]),
    (
        "required_lower_honour",
        None,
        facts(prior_honours=(honour("provincial", 2010),)),
        ctx(),
        [""],
    ),
    (
        "required_lower_honour",
        None,
        facts(prior_honours=(honour("provincial", 2010),)),
        ctx("national"),
        None,
    ),
    ("required_lower_honour", None, facts(), ctx(registry=(honour("municipal", 2012),)), None),
    ("required_lower_honour", None, facts(), ctx("municipal"), None),
    (
        "required_lower_honour",
        {"min_level": "provincial", "applies_to_levels": ["national"]},
        facts(prior_honours=(honour("municipal", 2010),)),
        ctx("national"),
        ["provincial"],
    ),
    # enterprise_head_checks
    ("enterprise_head_checks", None, facts(**LEADER), ctx(), None),
    (
        "enterprise_head_checks",
        None,
        facts(**LEADER, tax_problem=True),
        ctx(),
        ["1 of 6", "tax problems"],
    ),
    (
        "enterprise_head_checks",
        None,
        facts(
            **LEADER,
            tax_problem=True,
            wage_arrears=True,
            social_insurance_arrears=True,
            major_safety_accident=True,
            serious_pollution=True,
            no_union=True,
        ),
        ctx(),
        [
            "6 of 6",
            "tax problems, wage arrears, social insurance arrears, major safety accident, "
            "serious pollution, no trade union",
        ],
    ),
    ("enterprise_head_checks", None, facts(tax_problem=True), ctx(), None),
    (
        "enterprise_head_checks",
        {"checks": ["tax_problem"]},
        facts(**LEADER, wage_arrears=True),
        ctx(),
        None,
    ),
    (
        "enterprise_head_checks",
        {"categories": ["enterprise_head", "official"]},
        facts(category="official", no_union=True),
        ctx(),
        ["official", "no trade union"],
    ),
    # wage_arrears_blacklist
    ("wage_arrears_blacklist", None, facts(), ctx(), None),
    ("wage_arrears_blacklist", None, facts(wage_arrears_blacklist=True), ctx(), ["blacklist"]),
    # nonpublic_evaluation: reference 2025-06-30, valid 3 years -> dated 2022-06-30 or later.
    ("nonpublic_evaluation", None, facts(), ctx(), None),
    (
        "nonpublic_evaluation",
        None,
        facts(**EVAL_OK, evaluation_date=date(2022, 6, 30)),
        ctx(),
        None,
    ),
    (
        "nonpublic_evaluation",
        None,
        facts(ownership="non_public", evaluation_grade="B", evaluation_date=date(2022, 6, 29)),
        ctx(),
        ["grade B", "2022-06-29", "expired", "2022-06-30", "3-year"],
    ),
    (
        "nonpublic_evaluation",
        None,
        facts(ownership="non_public", evaluation_grade="C", evaluation_date=date(2025, 1, 1)),
        ctx(),
        ["grade C", "A or B"],
    ),
    (
        "nonpublic_evaluation",
        None,
        facts(ownership="non_public"),
        ctx(),
        ["no comprehensive evaluation", "A or B"],
    ),
    ("nonpublic_evaluation", None, facts(**EVAL_OK), ctx(), ["no date"]),
    (
        "nonpublic_evaluation",
        {"categories": ["enterprise_head"]},
        facts(ownership="non_public"),
        ctx(),
        None,
    ),
    (
        "nonpublic_evaluation",
        {"categories": ["enterprise_head"]},
        facts(ownership="non_public", **LEADER),
        ctx(),
        ["no comprehensive evaluation"],
    ),
    (
        "nonpublic_evaluation",
        {"accepted_grades": ["A"]},
        facts(ownership="non_public", evaluation_grade="B", evaluation_date=REF),
        ctx(),
        ["B"],
    ),
    # 29 February: one year before is 28 February 2023.
    (
        "nonpublic_evaluation",
        {"valid_years": 1},
        facts(**EVAL_OK, evaluation_date=date(2023, 2, 28)),
        ctx(ref=date(2024, 2, 29)),
        None,
    ),
    (
        "nonpublic_evaluation",
        {"valid_years": 1},
        facts(**EVAL_OK, evaluation_date=date(2023, 2, 27)),
        ctx(ref=date(2024, 2, 29)),
        ["2023-02-28 or later"],
    ),
    # democratic_recommendation
    ("democratic_recommendation", None, facts(votes_for=50, votes_total=100), ctx(), None),
    (
        "democratic_recommendation",
        None,
        facts(votes_for=49, votes_total=100),
        ctx(),
        ["approval 49.0% (49 of 100 votes) is below the required 50%"],
    ),
    (
        "democratic_recommendation",
        None,
        facts(**LEADER, votes_for=85, votes_total=100),
        ctx(),
        None,
    ),
    (
        "democratic_recommendation",
        None,
        facts(**LEADER, votes_for=84, votes_total=100),
        ctx(),
        ["leader approval 84.0% (84 of 100 votes) is below the required 85%"],
    ),
    (
        "democratic_recommendation",
        None,
        facts(is_unit_leader=True, votes_for=17, votes_total=20),
        ctx(),
        None,
    ),
    (
        "democratic_recommendation",
        None,
        facts(is_unit_leader=True, votes_for=16, votes_total=20),
        ctx(),
        ["leader approval 80.0% (16 of 20 votes)"],
    ),
    (
        "democratic_recommendation",
        None,
        facts(category="official", votes_for=40, votes_total=50),
        ctx(),
        ["leader approval 80.0% (40 of 50 votes) is below the required 85%"],
    ),
    (
        "democratic_recommendation",
        {"leader_categories": ["official"]},
        facts(**LEADER, votes_for=60, votes_total=100),
        ctx(),
        None,
    ),
    # 0.9 and 0.1 are slightly above 9/10 and 1/10 as binary floats; exact decimals must pass.
    (
        "democratic_recommendation",
        {"approval_min": 0.9},
        facts(votes_for=9, votes_total=10),
        ctx(),
        None,
    ),
    (
        "democratic_recommendation",
        {"approval_min": 0.1},
        facts(votes_for=1, votes_total=10),
        ctx(),
        None,
    ),
    (
        "democratic_recommendation",
        {"approval_min": 0.575},
        facts(votes_for=114, votes_total=200),
        ctx(),
        ["57.0%", "57.5%"],
    ),
    ("democratic_recommendation", None, facts(), ctx(), ["no democratic recommendation vote"]),
    ("democratic_recommendation", None, facts(votes_for=3), ctx(), ["no democratic"]),
    (
        "democratic_recommendation",
        None,
        facts(votes_for=0, votes_total=0),
        ctx(),
        ["vote total 0 is not positive"],
    ),
    (
        "democratic_recommendation",
        None,
        facts(votes_for=60, votes_total=50),
        ctx(),
        ["(60)", "(50)"],
    ),
    ("democratic_recommendation", None, facts(votes_for=-1, votes_total=50), ctx(), ["(-1)"]),
    # unit_notice: 28, 29, 30 Sep and 9 Oct 2025 are 4 working days; 10 Oct makes 5.
    (
        "unit_notice",
        None,
        facts(unit_notice_start=date(2025, 9, 28), unit_notice_end=date(2025, 10, 10)),
        ctx(),
        None,
    ),
    (
        "unit_notice",
        None,
        facts(unit_notice_start=date(2025, 9, 28), unit_notice_end=date(2025, 10, 9)),
        ctx(),
        ["2025-09-28 to 2025-10-09 spans 4 working day(s); at least 5"],
    ),
    ("unit_notice", None, facts(unit_notice_end=date(2025, 10, 9)), ctx(), ["missing"]),
    ("unit_notice", None, facts(unit_notice_start=date(2025, 10, 9)), ctx(), ["missing"]),
    (
        "unit_notice",
        None,
        facts(unit_notice_start=date(2025, 10, 20), unit_notice_end=date(2025, 10, 13)),
        ctx(),
        ["spans 0 working"],
    ),
    (
        "unit_notice",
        {"min_working_days": 3},
        facts(unit_notice_start=date(2025, 10, 9), unit_notice_end=date(2025, 10, 11)),
        ctx(),
        None,
    ),
    (
        "unit_notice",
        None,
        facts(unit_notice_start=date(2025, 9, 28), unit_notice_end=date(2025, 10, 10)),
        ctx(calendar=WorkingCalendar({date(2025, 10, 10): False})),
        ["spans 4"],
    ),
]


@pytest.mark.parametrize(("rule", "params", "nominee", "context", "fragments"), CASES)
def test_rule(
    rule: str,
    params: dict[str, Any] | None,
    nominee: NomineeFacts,
    context: EligibilityContext,
    fragments: list[str] | None,
) -> None:
    failure = run(rule, nominee, context, params)
    if fragments is None:
        assert failure is None
        return
    assert failure is not None
    assert failure.rule == rule
    assert failure.code.startswith(f"rule.{rule}.")
    english = failure.message.render("en")
    for fragment in fragments:
        assert fragment in english
    # The Chinese reason names codes by their labels: no lower-case Latin letter is left.
    assert not re.search(r"[a-z]", failure.reason), failure.reason


def test_every_rule_has_a_case() -> None:
    assert {case[0] for case in CASES} == set(ELIGIBILITY_RULES)


def test_honour_on_form_and_registry_is_named_once() -> None:
    held = honour("provincial", 2022, "江西省劳动模范")
    failure = run("prior_honour", facts(prior_honours=(held,)), ctx(registry=(held,)), None)
    assert failure is not None
    assert failure.reason.count("江西省劳动模范") == 1


def test_unit_notice_outside_the_calendar_is_refused() -> None:
    nominee = facts(unit_notice_start=date(2026, 12, 28), unit_notice_end=date(2027, 1, 5))
    with pytest.raises(CalendarRangeError):
        run("unit_notice", nominee, ctx(), None)


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


@given(
    total=st.integers(min_value=1, max_value=2000),
    data=st.data(),
    permille=st.integers(min_value=0, max_value=1000),
    other=st.integers(min_value=0, max_value=1000),
    leader=st.booleans(),
)
def test_democratic_recommendation_passes_iff_share_reaches_threshold(
    total: int, data: st.DataObject, permille: int, other: int, leader: bool
) -> None:
    votes_for = data.draw(st.integers(min_value=0, max_value=total))
    # The threshold that applies is permille/1000; the other one must not matter.
    own, unused = permille / 1000, other / 1000
    params = (
        {"leader_approval_min": own, "approval_min": unused}
        if leader
        else {"approval_min": own, "leader_approval_min": unused}
    )
    nominee = facts(is_unit_leader=leader, votes_for=votes_for, votes_total=total)
    failure = run("democratic_recommendation", nominee, ctx(), params)
    assert (failure is None) == (votes_for * 1000 >= permille * total)
    if failure is not None:
        assert f"({votes_for} of {total} votes)" in failure.message.render("en")
        assert f"（{total}票中{votes_for}票赞成）" in failure.reason
