"""Periods and instants as people read and type them (config/dates.py)."""

from datetime import UTC, date, datetime

import pytest
from jinja2 import Environment

from config.catalogue import join, render
from config.date_filters import FILTERS
from config.dates import (
    Period,
    assume_beijing,
    parse_deadline,
    parse_instant,
    period_of,
    period_text,
)
from config.display import deadline, instant, moment


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


def test_a_period_across_the_year_end_reads_as_its_days() -> None:
    stored = period_of(
        datetime(2026, 12, 27, 16, tzinfo=UTC), datetime(2027, 1, 5, 16, tzinfo=UTC), 6
    )
    assert stored == Period(date(2026, 12, 28), date(2027, 1, 5), 6)
    assert period_text(stored, chinese=True) == "2026年12月28日至2027年1月5日（6个工作日）"


def test_a_day_typed_as_a_deadline_is_the_end_of_that_day() -> None:
    assert parse_deadline("2026-12-15") == datetime(2026, 12, 15, 16, tzinfo=UTC)
    assert parse_deadline("2026-12-15 17:00") == datetime(2026, 12, 15, 9, tzinfo=UTC)
    assert parse_deadline("2026-12-15T17:00+00:00") == datetime(2026, 12, 15, 17, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_deadline("15 December")


def test_a_time_with_a_zone_keeps_it_one_without_is_beijing() -> None:
    assert assume_beijing(datetime(2026, 12, 1, 10)) == datetime(2026, 12, 1, 2, tzinfo=UTC)
    assert assume_beijing(datetime(2026, 12, 1, 10, tzinfo=UTC)).hour == 10


@pytest.mark.parametrize(
    ("stored", "chinese", "english"),
    [
        # A Beijing midnight ends the day before: never "12月16日 00:00".
        (
            datetime(2026, 12, 15, 16, tzinfo=UTC),
            "2026年12月15日24时（北京时间）",
            "end of 2026-12-15",
        ),
        (
            datetime(2026, 12, 15, 9, tzinfo=UTC),
            "2026年12月15日17时（北京时间）",
            "2026-12-15 17:00",
        ),
        (datetime(2026, 12, 15, 1, 30, tzinfo=UTC), "2026年12月15日9时30分（北京时间）", "09:30"),
        # Across the year end: 2027-01-01 00:00 Beijing is the end of 2026-12-31.
        (
            datetime(2026, 12, 31, 16, tzinfo=UTC),
            "2026年12月31日24时（北京时间）",
            "end of 2026-12-31",
        ),
        # Stored text of older messages (Beijing time without a zone) reads the same.
        ("2026-12-16 00:00", "2026年12月15日24时（北京时间）", "end of 2026-12-15"),
    ],
)
def test_a_deadline_is_the_end_of_a_named_day(stored: datetime, chinese: str, english: str) -> None:
    assert render(deadline(stored)) == chinese
    assert english in render(deadline(stored), "en")


def test_an_instant_names_its_zone_and_its_real_hour() -> None:
    at = datetime(2026, 12, 15, 16, tzinfo=UTC)
    assert render(instant(at)) == "2026年12月16日0时（北京时间）"
    assert render(instant(at), "en") == "2026-12-16 00:00 Beijing time"
    assert moment(at) == "2026年12月16日0时"  # where the page or column names the zone


def test_the_template_filters_write_each_concept_in_the_rendering_locale() -> None:
    env = Environment(autoescape=False)
    env.filters.update(FILTERS)
    source = (
        "{{ due|deadline }}|{{ at|instant }}|{{ at|instant(zone=False) }}|{{ day|day }}|"
        "{{ start|period(end, 5) }}|{{ first|period(last) }}|{{ none|deadline }}"
    )
    values = {
        "due": "2026-12-15T16:00:00+00:00",
        "at": datetime(2026, 12, 1, 1, 30, tzinfo=UTC),
        "day": date(2026, 12, 1),
        "start": datetime(2026, 11, 30, 16, tzinfo=UTC),
        "end": datetime(2026, 12, 7, 16, tzinfo=UTC),
        "first": date(2026, 12, 1),
        "last": date(2026, 12, 3),
        "none": None,
    }
    chinese = env.from_string(source).render(values, lang="zh-CN").split("|")
    assert chinese == [
        "2026年12月15日24时（北京时间）",
        "2026年12月1日9时30分（北京时间）",
        "2026年12月1日9时30分",
        "2026年12月1日",
        "2026年12月1日至12月7日（5个工作日）",
        "2026年12月1日至12月3日",
        "-",
    ]
    english = env.from_string(source).render(values, locale="en").split("|")
    assert english[0] == "end of 2026-12-15 (Beijing time)"
    assert english[4] == "2026-12-01 to 2026-12-07 (5 working days)"
