"""Audit events, actors and times as a person reads them (config/display.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from config.display import actor_label, event_label, moment


def test_events_are_shown_by_their_labels_in_both_locales() -> None:
    assert event_label("pass") == "通过"  # a trigger
    assert event_label("create") == "创建推荐"
    assert event_label("task_clear") == "完成审核：同意（无异议）"
    assert event_label("refused:approve") == "审定通过（被拒绝）"
    assert event_label("recusal:view_task") == "回避拦截：查看审核任务"
    assert event_label("objection_upheld") == "异议核查结论：属实"
    assert event_label("create", "en") == "nomination created"
    assert event_label("no_such_event") == "no_such_event"  # never hidden: a test finds it


def test_actors_are_shown_by_role_and_place_without_codes() -> None:
    recorded = "王审核 (team_reviewer@working_team)"
    assert actor_label(recorded) == "王审核（工作专班审核员）"  # a code never reaches the reader
    named = actor_label(recorded, place={"working_team": "工作专班"}.get)
    assert named == "王审核（工作专班审核员，工作专班）"
    assert actor_label("张三 (admin)", "en") == "张三 (administrator)"
    assert actor_label("系统") == "系统"


def test_times_are_beijing_time_as_offices_write_them() -> None:
    at = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)
    assert moment(at) == "2026年12月1日9时30分"
    assert moment(at.isoformat(), "en") == "2026-12-01 09:30"
    assert moment(at.replace(minute=0)) == "2026年12月1日9时"
    assert moment(None) == "-"
