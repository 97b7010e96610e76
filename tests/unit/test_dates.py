"""Periods and instants as people read and type them (config/dates.py)."""

from datetime import UTC, date, datetime

import pytest

from config.catalogue import join
from config.dates import Period, parse_instant, period_of, period_text


def test_a_period_ending_at_midnight_ends_the_day_before() -> None:
    stored = period_of(
        datetime(2026, 11, 30, 16, tzinfo=UTC), datetime(2026, 12, 7, 16, tzinfo=UTC)
    )
    assert (stored.first, stored.last) == (date(2026, 12, 1), date(2026, 12, 7))


def test_a_period_ending_in_the_afternoon_ends_that_day() -> None:
    stored = period_of(datetime(2026, 12, 1, 1, tzinfo=UTC), datetime(2026, 12, 7, 9, tzinfo=UTC))
    assert stored.last == date(2026, 12, 7)


@pytest.mark.parametrize(
    ("period", "chinese", "english"),
    [
        (
            Period(date(2026, 12, 1), date(2026, 12, 7), 5),
            "2026年12月1日至12月7日（5个工作日）",
            "2026-12-01 to 2026-12-07 (5 working days)",
        ),
        (
            Period(date(2026, 12, 28), date(2027, 1, 5)),
            "2026年12月28日至2027年1月5日",
            "2026-12-28 to 2027-01-05",
        ),
        (
            Period(date(2026, 12, 1), date(2026, 12, 1), 1),
            "2026年12月1日（1个工作日）",
            "2026-12-01 (1 working day)",
        ),
    ],
)
def test_period_words(period: Period, chinese: str, english: str) -> None:
    assert period_text(period, chinese=True) == chinese
    assert period_text(period, chinese=False) == english


def test_the_catalogue_writes_a_period_figure() -> None:
    period = Period(date(2026, 12, 1), date(2026, 12, 7))
    assert join([period], "zh-CN") == "2026年12月1日至12月7日"
    assert join([period], "en") == "2026-12-01 to 2026-12-07"


def test_a_time_typed_without_a_zone_is_beijing_time() -> None:
    assert parse_instant("2026-12-01 10:00") == datetime(2026, 12, 1, 2, tzinfo=UTC)
    assert parse_instant("2026-12-01T10:00+00:00") == datetime(2026, 12, 1, 10, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_instant("tomorrow")
