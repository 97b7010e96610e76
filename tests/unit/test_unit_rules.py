"""Unit rules: officials need a unit with enough places; heads need a front-line alternate."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from workflow.facts import NomineeFacts
from workflow.rules.unit_rules import (
    HeadNeedsAlternate,
    OfficialAllowance,
    UnitRules,
    check_head_alternate,
    check_official_allowance,
)

OFFICIAL = NomineeFacts("赵六", date(1975, 1, 1), category="official", official_level="county")
CLERK = NomineeFacts("钱七", date(1985, 1, 1), category="official", official_level="section")
HEAD = NomineeFacts("孙八", date(1970, 1, 1), category="enterprise_head")


@pytest.mark.parametrize(
    ("facts", "places", "held", "refused"),
    [
        (OFFICIAL, 5, 0, None),  # exactly the minimum places
        (OFFICIAL, 4, 0, "只有4个名额；推荐县处级干部的单位须至少有5个名额"),  # one short
        (OFFICIAL, 30, 1, "已推荐1名县处级/厅局级干部，至多1名"),  # the one allowed is taken
        (CLERK, 1, 3, None),  # section level is not limited
    ],
)
def test_official_allowance(
    facts: NomineeFacts, places: int, held: int, refused: str | None
) -> None:
    failure = check_official_allowance(OfficialAllowance(), facts, "某市总工会", places, held)
    if refused is None:
        assert failure is None
    else:
        assert failure is not None and failure.rule == "official_allowance"
        assert refused in failure.reason and "某市总工会" in failure.reason
        assert failure.code.startswith("rule.official_allowance.")


def test_official_allowance_figures_are_configurable() -> None:
    rule = OfficialAllowance(min_places=10, max_count=2)
    assert check_official_allowance(rule, OFFICIAL, "u", 10, 1) is None
    failure = check_official_allowance(rule, OFFICIAL, "u", 9, 0)
    assert failure is not None and "at least 10" in failure.message.render("en")
    assert failure.params["min_places"] == 10 and failure.params["places"] == 9


@pytest.mark.parametrize(
    ("alternates", "ok"),
    [([], False), (["enterprise_head"], False), (["official", "technician"], True)],
)
def test_an_enterprise_head_needs_a_front_line_alternate(alternates: list[str], ok: bool) -> None:
    failure = check_head_alternate(HeadNeedsAlternate(), HEAD, "某市总工会", alternates)
    assert (failure is None) is ok
    if failure is not None:
        assert failure.rule == "enterprise_head_alternate" and "孙八" in failure.reason
        assert "（企业负责人）" in failure.reason and "一线职工/专业技术人员" in failure.reason
        english = failure.message.render("en")
        assert "(enterprise head) without a front-line alternate" in english


def test_others_need_no_alternate() -> None:
    assert check_head_alternate(HeadNeedsAlternate(), OFFICIAL, "u", []) is None


def test_unknown_codes_and_keys_are_refused() -> None:
    with pytest.raises(ValidationError, match="unknown codes"):
        OfficialAllowance(official_levels=["general"])
    with pytest.raises(ValidationError, match="unknown codes"):
        HeadNeedsAlternate(alternate_categories=["astronaut"])
    with pytest.raises(ValidationError, match="Extra inputs"):
        UnitRules.model_validate({"official_allowance": {"min_place": 5}})
