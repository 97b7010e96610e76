"""Eligibility rule cases about the evidence: evaluation, democratic vote, unit notice."""

from __future__ import annotations

from datetime import date

from tests.unit.eligibility_facts import EVAL_OK, LEADER, REF, Case, ctx, facts
from workflow.calendar import WorkingCalendar

EVIDENCE_CASES: list[Case] = [
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
