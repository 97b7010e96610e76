"""Eligibility rules: every rule at its edge values, and the reasons they give."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.eligibility_cases_evidence import EVIDENCE_CASES
from tests.unit.eligibility_cases_nominee import NOMINEE_CASES
from tests.unit.eligibility_facts import Case, ctx, facts, honour, run
from workflow.errors import CalendarRangeError
from workflow.facts import NomineeFacts
from workflow.rules.eligibility import ELIGIBILITY_RULES, EligibilityContext

CASES: list[Case] = [*NOMINEE_CASES, *EVIDENCE_CASES]


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
