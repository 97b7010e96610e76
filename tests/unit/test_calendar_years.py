"""Calendar years as data: the schedule format, its checks, and the calendar using a loaded year.

The 2027 schedule here is synthetic (the State Council had not published 2027 when this was
written); every expected date below is worked out by hand from it and a 2027 wall calendar
(1 January 2027 is a Friday, 6 February a Saturday).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from workflow.calendar import SHANGHAI, WorkingCalendar
from workflow.calendar_schedule import (
    MAX_BYTES,
    YearSchedule,
    parse_schedule,
    schedule_from_json,
    schedule_text,
)
from workflow.errors import CalendarRangeError, CalendarScheduleInvalid

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "calendar"

SYNTHETIC_2027 = """\
year: 2027
notice: 测试用的虚构安排（不是国务院的通知）
holidays:
  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
  - {name: 春节, from: 2027-02-06, to: 2027-02-14}
  - {name: 清明节, from: 2027-04-05}
workdays:
  - 2027-01-31   # Sunday before the Spring Festival
  - 2027-02-20   # Saturday after it
"""


def y2027() -> YearSchedule:
    return parse_schedule(SYNTHETIC_2027, "2027.yaml")


def cal2027(overrides: dict[date, bool] | None = None) -> WorkingCalendar:
    return WorkingCalendar(overrides, {2027: y2027()})


def sh(y: int, m: int, d: int, hh: int = 0) -> datetime:
    return datetime(y, m, d, hh, tzinfo=SHANGHAI)


def utc(y: int, m: int, d: int, hh: int = 0) -> datetime:
    return datetime(y, m, d, hh, tzinfo=UTC)


def test_the_synthetic_year_reads_as_written() -> None:
    s = y2027()
    assert s.year == 2027 and [h.name for h in s.holidays] == ["元旦", "春节", "清明节"]
    assert len(s.rest_days) == 3 + 9 + 1  # a one-day holiday may leave out `to`
    assert s.workdays == {date(2027, 1, 31), date(2027, 2, 20)}
    assert schedule_from_json(s.as_json()) == s


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2027, 1, 1), False),  # Friday, New Year
        (date(2027, 1, 4), True),  # Monday after it
        (date(2027, 1, 30), False),  # plain Saturday
        (date(2027, 1, 31), True),  # Sunday, make-up working day
        (date(2027, 2, 5), True),  # Friday before the Spring Festival
        (date(2027, 2, 8), False),  # Monday inside it
        (date(2027, 2, 14), False),  # its last day, a Sunday
        (date(2027, 2, 15), True),
        (date(2027, 2, 20), True),  # Saturday, make-up working day
        (date(2027, 2, 21), False),  # Sunday
        (date(2027, 4, 5), False),  # one-day holiday, a Monday
        (date(2027, 7, 7), True),  # an ordinary Wednesday
    ],
)
def test_a_loaded_year_answers_day_by_day(day: date, working: bool) -> None:
    assert cal2027().is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (sh(2027, 2, 4, 10), 1, utc(2027, 2, 5, 16)),  # Friday 5 Feb is the first day
        (sh(2027, 2, 5, 9), 1, utc(2027, 2, 15, 16)),  # over the whole Spring Festival
        (sh(2027, 2, 5, 9), 5, utc(2027, 2, 19, 16)),  # 15-19 Feb
        (sh(2027, 2, 5, 9), 6, utc(2027, 2, 20, 16)),  # the make-up Saturday counts
        (sh(2027, 2, 5, 9), 7, utc(2027, 2, 22, 16)),  # Sunday 21 Feb does not
        (sh(2027, 1, 29, 9), 1, utc(2027, 1, 31, 16)),  # the make-up Sunday counts
        (sh(2026, 12, 31, 10), 1, utc(2027, 1, 4, 16)),  # from the package's year into 2027
        (sh(2027, 2, 10, 9), 5, utc(2027, 2, 19, 16)),  # a notice starting inside the holiday
    ],
)
def test_periods_across_the_loaded_spring_festival(
    start: datetime, days: int, expected: datetime
) -> None:
    assert cal2027().add_working_days(start, days) == expected


def test_counting_and_stepping_over_the_loaded_year() -> None:
    cal = cal2027()
    # 1-5 Feb (5), 15-19 (5), Saturday 20 (1), 22-26 (5)
    assert cal.working_days_between(date(2027, 2, 1), date(2027, 2, 28)) == 16
    assert cal.next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)
    assert cal.previous_working_day(date(2027, 2, 15)) == date(2027, 2, 5)
    # A reminder one working day before a task ending Monday 15 Feb: Friday 5 Feb, 09:00.
    assert cal.working_days_before(utc(2027, 2, 15, 16), 1) == utc(2027, 2, 5, 1)
    # Three working days before the end of Tuesday 23 Feb: 22, 20 (Saturday), 19 -> Saturday.
    assert cal.working_days_before(utc(2027, 2, 23, 16), 2, time(9)) == utc(2027, 2, 20, 1)


def test_overrides_still_win_over_a_loaded_year() -> None:
    cal = cal2027({date(2027, 2, 20): False, date(2027, 2, 8): True})
    assert cal.is_working_day(date(2027, 2, 20)) is False
    assert cal.is_working_day(date(2027, 2, 8)) is True


def test_a_year_with_no_schedule_stays_refused() -> None:
    cal = cal2027()
    with pytest.raises(CalendarRangeError) as info:
        cal.is_working_day(date(2028, 1, 3))
    # The package's years and the loaded one run on: one range, 2004 to the end of 2027.
    assert "2028年1月3日" in str(info.value) and "2027年12月31日" in str(info.value)
    with pytest.raises(CalendarRangeError):
        cal.add_working_days(sh(2027, 12, 30, 9), 2)  # 31 Dec, then 2028
    assert cal.knows_year(2027) and not cal.knows_year(2028)


def test_a_gap_between_known_years_is_named() -> None:
    schedule = y2027()
    later = YearSchedule(2029, schedule.holidays, frozenset())  # any content: only its year
    cal = WorkingCalendar(schedules={2029: later})
    with pytest.raises(CalendarRangeError) as info:
        cal.is_working_day(date(2027, 3, 1))
    assert "2027年没有节假日安排" in str(info.value)
    assert "2004年至2026年、2029年" in str(info.value)
    assert "2004–2026, 2029" in info.value.text("en")


def test_a_loaded_year_replaces_the_package_for_that_year() -> None:
    text = (SHIPPED / "2026.yaml").read_text(encoding="utf-8")
    changed = text.replace("  - 2026-02-28  # 星期六，春节\n", "")
    cal = WorkingCalendar(schedules={2026: parse_schedule(changed, "2026.yaml")})
    assert chinese_calendar.is_workday(date(2026, 2, 28))
    assert cal.is_working_day(date(2026, 2, 28)) is False


@pytest.mark.parametrize("year", [2025, 2026])
def test_shipped_years_agree_with_the_package_day_by_day(year: int) -> None:
    path = SHIPPED / f"{year}.yaml"
    schedule = parse_schedule(path.read_text(encoding="utf-8"), path.name)
    day, differ = date(year, 1, 1), []
    while day.year == year:
        if schedule.is_working_day(day) != chinese_calendar.is_workday(day):
            differ.append(day)
        day += timedelta(days=1)
    assert schedule.year == year and differ == []


def test_the_digest_is_of_the_days_not_the_spelling() -> None:
    respelled = SYNTHETIC_2027.replace("2027-01-31", "2027年1月31日").replace("测试", "另一")
    assert parse_schedule(respelled, "x").checksum == y2027().checksum
    moved = SYNTHETIC_2027.replace("2027-02-20", "2027-02-27")
    assert parse_schedule(moved, "x").checksum != y2027().checksum


def problems_of(text: str) -> list[str]:
    with pytest.raises(CalendarScheduleInvalid) as info:
        parse_schedule(text, "bad.yaml")
    assert "bad.yaml" in str(info.value)
    return [p.render("zh-CN") for p in info.value.problems]


def base(holidays: str = "", workdays: str = "[]", extra: str = "") -> str:
    holidays = holidays or "  - {name: 春节, from: 2027-02-06, to: 2027-02-14}\n"
    return f"year: 2027\n{extra}holidays:\n{holidays}workdays: {workdays}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "文件是空的"),
        ("# 只有注释\n", "文件是空的"),
        ("- 2027-02-06\n", "文件的最外层应是键值对"),
        ("year: [\n", "第2行第1列不是有效的 YAML"),
        (base(extra="holiday: 1\n"),
         "未知的键“holiday”，可用的键：year、notice、holidays、workdays"),
        (base().replace("2027\n", "二〇二七\n", 1),
         "年份应是四位数的公历年份（如2027），现为“二〇二七”"),
        ("year: 2027\nworkdays: []\n", "没有列出节假日"),
        (base("  - 春节\n"), "第1项节假日应写明name、from、to"),
        (base("  - {name: 春节, from: 2027-02-06, to: 2027-02-14, days: 9}\n"),
         "第1项节假日（春节）有未知的键days"),
        (base("  - {from: 2027-02-06, to: 2027-02-14}\n"), "第1项节假日（-）没有名称"),
        (base("  - {name: 春节, to: 2027-02-14}\n"),
         "第1项节假日（春节）的放假首日（from）没有写日期"),
        (base("  - {name: 春节, from: 2027-02-30, to: 2027-03-01}\n"),
         "第1项节假日（春节）的放假首日（from）“2027-02-30”不是日期，应写作2027-02-06"),
        (base("  - {name: 春节, from: 初一, to: 2027-02-14}\n"), "“初一”不是日期"),
        (base("  - {name: 元旦, from: 2026-12-31, to: 2027-01-02}\n"),
         "第1项节假日（元旦）的放假首日（from）2026年12月31日不在2027年内"),
        (base("  - {name: 春节, from: 2027-02-14, to: 2027-02-06}\n"),
         "第1项节假日（春节）：放假末日2027年2月6日早于首日2027年2月14日"),
        (base("  - {name: 春节, from: 2027-02-06, to: 2027-02-14}\n"
              "  - {name: 元宵, from: 2027-02-13, to: 2027-02-15}\n"),
         "2027年2月13日同时属于“春节”（2027年2月6日至2月14日）和“元宵”：节假日不能重叠"),
        (base(workdays="[2027-02-07]"), "2027年2月7日既是“春节”的放假日，又列为调休上班日"),
        (base(workdays="[2027-02-17]"),
         "调休上班日2027年2月17日是星期三，不是周末：调休上班日只能是星期六或星期日"),
        (base(workdays="[2027-02-20, 2027-02-20]"), "调休上班日2027年2月20日重复列出"),
        (base(workdays="[2028-01-01]"), "第1个调休上班日（workdays）2028年1月1日不在2027年内"),
        (base(workdays="[2027-13-01]"), "第1个调休上班日（workdays）“2027-13-01”不是日期"),
        (base(workdays="2027-02-20"), "调休上班日应是日期的列表"),
    ],
)  # fmt: skip
def test_each_problem_names_the_day_and_what_is_wrong(text: str, expected: str) -> None:
    found = problems_of(text)
    assert any(expected in p for p in found), found


def test_every_problem_is_listed_at_once_in_both_languages() -> None:
    text = base(
        "  - {name: 春节, from: 2027-02-06, to: 2027-02-14}\n  - {name: 错, from: 2027-02-30}\n",
        "[2027-02-17, 2027-02-07]",
        "extra: 1\n",
    )
    with pytest.raises(CalendarScheduleInvalid) as info:
        parse_schedule(text, "bad.yaml")
    assert len(info.value.problems) == 4
    english = info.value.text("en")
    assert "“bad.yaml” has 4 problem(s) and was not loaded" in english
    assert "2027-02-17 is a Wednesday, not a weekend day" in english
    assert "2027-02-07 is both a day off of “春节” and a make-up working day" in english


def test_file_bytes_are_checked_before_reading() -> None:
    assert schedule_text("year: 2027\n".encode("utf-8-sig"), "a.yaml") == "year: 2027\n"
    with pytest.raises(CalendarScheduleInvalid, match="UTF-8"):
        schedule_text("年份".encode("gb18030"), "a.yaml")
    with pytest.raises(CalendarScheduleInvalid, match="千字节"):
        schedule_text(b"#" * (MAX_BYTES + 1), "a.yaml")


def test_an_alias_bomb_is_refused_by_the_bounded_loader() -> None:
    found = problems_of("a: &a [1, 2]\nb: *a\n")
    assert any("锚点或别名" in p for p in found)


@pytest.mark.parametrize("readme", [SHIPPED / "README.md", SHIPPED.parents[1] / "README.md"])
def test_the_documented_example_is_a_valid_schedule(readme: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(year: 2027\n.*?)```", text, re.S)
    assert example is not None
    schedule = parse_schedule(example.group(1), readme.name)
    assert schedule.year == 2027 and schedule.workdays == {date(2027, 2, 20)}
