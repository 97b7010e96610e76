"""Eligibility rule cases about the nominee: exclusions, honours, enterprise heads, blacklist."""

from __future__ import annotations

from tests.unit.eligibility_facts import LEADER, Case, ctx, facts, honour

NOMINEE_CASES: list[Case] = [
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
]
