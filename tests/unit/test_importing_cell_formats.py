"""Nomination form import: the accepted forms of ranks, booleans, dates, honours and limits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.unit.import_forms import GOOD, errors_of, where, write_csv
from workflow.facts import PriorHonour
from workflow.importing import read_nominations

# --- cell formats ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rank", "order"),
    [
        ("main", "main", None),
        ("Main", "main", None),
        ("主推", "main", None),
        ("正式", "main", None),
        ("alternate 2", "alternate", 2),
        ("alternate:3", "alternate", 3),
        ("后备1", "alternate", 1),
        ("后备 4", "alternate", 4),
    ],
)
def test_rank_forms(tmp_path: Path, text: str, rank: str, order: int | None) -> None:
    (row,) = read_nominations(write_csv(tmp_path / "f.csv", [{**GOOD, "rank": text}]))
    assert (row.rank, row.alternate_order) == (rank, order)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        *[("yes", True), ("TRUE", True), ("1", True), ("y", True), ("是", True)],
        *[("no", False), ("false", False), ("0", False), ("N", False), ("否", False), ("", False)],
    ],
)
def test_boolean_forms(tmp_path: Path, text: str, value: bool) -> None:
    path = write_csv(tmp_path / "f.csv", [{**GOOD, "retired": text, "military": text}])
    (row,) = read_nominations(path)
    assert row.facts.retired is value and row.facts.military is value


@pytest.mark.parametrize("text", ["2024-05-01", "2024/5/1", "2024年5月1日", " 2024-5-1 "])
def test_date_forms(tmp_path: Path, text: str) -> None:
    path = write_csv(tmp_path / "f.csv", [{**GOOD, "birth_date": text}])
    assert read_nominations(path)[0].facts.birth_date == date(2024, 5, 1)


def test_prior_honour_forms(tmp_path: Path) -> None:
    text = (
        "2010 全国劳动模范；2012年江西省五一劳动奖章;2014|市级|优秀工匠\n"
        "2016 赣州市章贡区先进\n2018 厂先进个人"
    )
    (row,) = read_nominations(write_csv(tmp_path / "f.csv", [{**GOOD, "prior_honors": text}]))
    assert row.facts.prior_honours == (
        PriorHonour("全国劳动模范", "national", 2010),
        PriorHonour("江西省五一劳动奖章", "provincial", 2012),
        PriorHonour("优秀工匠", "municipal", 2014),
        PriorHonour("赣州市章贡区先进", "municipal", 2016),
        PriorHonour("厂先进个人", "unit", 2018),
    )


def test_ownership_defaults_and_checks(tmp_path: Path) -> None:
    rows = [
        {**GOOD, "employer_type": "government", "category": "official"},
        {**GOOD, "employer_type": "enterprise", "ownership": "非公有制"},
        {**GOOD, "employer_type": "social_org", "ownership": "non_public"},
    ]
    facts = [r.facts for r in read_nominations(write_csv(tmp_path / "a.csv", rows))]
    assert [f.ownership for f in facts] == ["public", "non_public", "non_public"]
    bad = [
        {**GOOD, "employer_type": "social_org"},
        {**GOOD, "employer_type": "机关", "ownership": "non_public"},
    ]
    assert where(errors_of(write_csv(tmp_path / "b.csv", bad))) == [
        (2, "ownership"),
        (3, "ownership"),
    ]


def test_length_limits_count_characters(tmp_path: Path) -> None:
    ok = [{**GOOD, "summary": "事" * 500, "deeds": "迹" * 3000}]
    (row,) = read_nominations(write_csv(tmp_path / "ok.csv", ok))
    assert len(row.summary) == 500 and len(row.deeds) == 3000
    bad = [{**GOOD, "summary": "事" * 501, "deeds": "迹" * 3001}]
    errors = errors_of(write_csv(tmp_path / "bad.csv", bad))
    assert where(errors) == [(2, "summary"), (2, "deeds")]
    assert "501 characters, at most 500" in errors[0].message.render("en")
    assert errors[0].reason == "共501个字，至多500个字"


def test_equal_votes_and_one_day_notice_pass(tmp_path: Path) -> None:
    row = {**GOOD, "votes_for": "330", "unit_notice_end": "2024-05-06"}
    assert read_nominations(write_csv(tmp_path / "f.csv", [row]))[0].facts.votes_for == 330
