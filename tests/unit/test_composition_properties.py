"""Composition rules, by property: exact share verdicts and count rules against their slack."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.unit.composition_lists import FRONT_LINE, one, people, person
from workflow.rules.composition import evaluate_composition, parse_composition_rules

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
    base = in_group + out_group
    if base == 0:  # a share of nobody is not evaluated, never met
        assert (result.status, result.ok) == ("not_evaluated", False)
        assert result.reason == ("empty_base" if outside_base else "empty_list")
        return
    assert result.ok == (result.slack >= 0)
    assert result.status == ("met" if result.ok else "missed") and result.reason is None
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
