"""The last words that were English or codes now come from the catalogue, in both languages.

Each check reads the Chinese (with its figures) and the English of one place: the
eligibility registry's unknown rule, an unknown role (the CLI's `--as`) and a stored mail
context that does not fit its kind.
"""

from __future__ import annotations

from typing import Any

import click
import pytest

from cli.runtime import parse_actor
from notifications.contexts import context_from, to_json
from notifications.samples import SAMPLES
from workflow.actors import Actor
from workflow.errors import TemplateProblem
from workflow.problems import Problem
from workflow.rules.eligibility import parse_rule_params

# -- 1. the eligibility registry ------------------------------------------------------------


def test_an_unknown_eligibility_rule_is_named_with_the_known_ones_by_label() -> None:
    with pytest.raises(Problem) as caught:
        parse_rule_params("bravery", {})
    message = caught.value.message
    assert message.render("zh-CN").startswith("未知的资格规则“bravery”；可用：退休人员、已故人员、")
    assert message.render("en").startswith("unknown eligibility rule 'bravery'; known: retired, ")
    assert str(caught.value) == message.render("en")  # a ValueError's text stays English


# -- 2. an actor's role ------------------------------------------------------------------------


def test_an_unknown_role_names_the_roles_by_label() -> None:
    with pytest.raises(Problem) as caught:
        Actor("某人", "boss")
    message = caught.value.message
    assert message.render("zh-CN") == (
        "未知的角色“boss”；可用角色：管理员、工作专班审核员、联审部门审核员、推荐单位经办人、"
        "常委会秘书、社会公众、系统"
    )
    assert message.render("en").startswith("unknown role 'boss'; roles are administrator, ")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh-CN", "未知的角色“boss”；可用角色：管理员、"), ("en", "unknown role 'boss'; roles are ")],
)
def test_the_cli_as_option_shows_the_unknown_role_in_the_cli_locale(
    monkeypatch: pytest.MonkeyPatch, locale: str, expected: str
) -> None:
    monkeypatch.setenv("HONORFLOW_LOCALE", locale)
    with pytest.raises(click.BadParameter) as caught:
        parse_actor("boss:tax", None)
    assert caught.value.message.startswith(expected), caught.value.message


# -- 3. a stored mail context ------------------------------------------------------------------


def _misfit(kind: str, data: Any) -> TemplateProblem:
    with pytest.raises(TemplateProblem) as caught:
        context_from(kind, data)
    return caught.value


def test_an_unknown_field_and_a_missing_one_are_named_in_both_languages() -> None:
    stored = {k: v for k, v in to_json(SAMPLES["task_assigned"]).items() if k != "nominee"}
    problem = _misfit("task_assigned", {**stored, "colour": "red"})
    assert str(problem) == (
        "邮件“新审核任务”的内容：未知的字段colour；缺少字段nominee"
        "（应有字段：task_id、stage、nominee、department、due_at）"
    )
    assert problem.text("en") == (
        "message task assigned context: unknown field(s) colour; missing field(s) nominee"
        " (fields: task_id, stage, nominee, department, due_at)"
    )


@pytest.mark.parametrize(
    ("kind", "change", "zh", "en"),
    [
        (
            "escalation",
            {"count": True},
            "邮件“逾期督办”的内容字段“count”：应为整数，实为布尔值",
            "message escalation context: count: expected int, got bool",
        ),
        (
            "daily_digest",
            {"tasks": "none"},
            "邮件“每日待办汇总”的内容字段“tasks”：应为列表，实为文本",
            "message daily digest context: tasks: expected a list, got str",
        ),
        (
            "daily_digest",
            {"tasks": [None]},
            "邮件“每日待办汇总”的内容字段“tasks[0]”：应为对象，实为空值",
            "message daily digest context: tasks[0]: expected an object, got null",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_named_by_its_field_and_type_label(
    kind: str, change: dict[str, Any], zh: str, en: str
) -> None:
    problem = _misfit(kind, {**to_json(SAMPLES[kind]), **change})
    assert (str(problem), problem.text("en")) == (zh, en)


def test_an_unknown_kind_and_a_context_that_is_no_object() -> None:
    unknown = _misfit("fax", {})
    assert str(unknown).startswith("未知的邮件类型“fax”；可用类型：新审核任务、到期提醒、")
    assert unknown.text("en").startswith("unknown message kind 'fax'; known: task assigned, ")
    not_object = _misfit("reminder", [])
    assert str(not_object) == "邮件“到期提醒”的内容：应为对象，实为列表"
    assert not_object.text("en") == "message reminder context: expected an object, got list"
