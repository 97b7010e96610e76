"""Rendering every message kind, and administrators' overrides in the sandbox."""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Iterator
from typing import Any

import pytest

from config import catalogue
from notifications.render import (
    KINDS,
    LOCALES,
    SAMPLE_CONTEXTS,
    TemplateSource,
    render,
    shipped_source,
    validate_override,
)
from workflow.errors import TemplateProblem

EVERY = [(kind, locale) for kind in KINDS for locale in LOCALES]
EVERY_KEY = [(k, key, loc) for k in KINDS for key in SAMPLE_CONTEXTS[k] for loc in LOCALES]
TASK_KEYS = ["task_id", "nominee", "stage", "due_at", "overdue"]
SCRIPT = "<script>alert('x')</script>"


@contextlib.contextmanager
def problem(pattern: str) -> Iterator[None]:
    """A TemplateProblem whose English words match (the Chinese are `str(problem)`)."""
    with pytest.raises(TemplateProblem) as info:
        yield
    assert re.search(pattern, info.value.text("en")), info.value.text("en")


def en_kind(kind: str) -> str:
    """A message kind as the English error names it."""
    return catalogue.label("mail_kind", kind, "en")


def without(kind: str, key: str) -> dict[str, Any]:
    context = copy.deepcopy(SAMPLE_CONTEXTS[kind])
    del context[key]
    return context


def only_part(kind: str, locale: str, part: str) -> TemplateSource:
    """The shipped source of one part, the others reduced to a constant."""
    shipped = shipped_source(kind, locale)
    parts = {"subject": "x", "text": "x", "html": "x", part: getattr(shipped, part)}
    return TemplateSource(**parts)


# -- shipped templates ---------------------------------------------------------------------


def test_every_kind_has_a_sample_and_templates() -> None:
    assert set(SAMPLE_CONTEXTS) == set(KINDS)
    assert LOCALES == ("zh-CN", "en")


@pytest.mark.parametrize(("kind", "locale"), EVERY)
def test_every_kind_renders_in_every_locale(kind: str, locale: str) -> None:
    context = SAMPLE_CONTEXTS[kind]
    msg = render(kind, context, locale)
    assert msg.subject and msg.subject == msg.subject.strip() and "\n" not in msg.subject
    assert msg.html.startswith("<!DOCTYPE html>") and "</html>" in msg.html
    assert f'lang="{locale}"' in msg.html
    for part in (msg.text, msg.html):
        assert context["campaign"] in part
        assert context["site_url"] + "/" in part
    if "nominee" in context:
        assert context["nominee"] in msg.subject + msg.text
    if "<link" in msg.html or "<style" in msg.html or "src=" in msg.html:
        pytest.fail("the HTML must not load external resources")


@pytest.mark.parametrize(("kind", "key", "locale"), EVERY_KEY)
def test_a_missing_variable_is_named(kind: str, key: str, locale: str) -> None:
    with pytest.raises(TemplateProblem) as info:
        render(kind, without(kind, key), locale)
    # The words come from the catalogue: Chinese by default, English on request.
    message = info.value.text("en")
    assert message.startswith(f"template {en_kind(kind)} ({locale}) ")
    assert f"'{key}' is undefined" in message
    assert str(info.value).endswith(f"变量“{key}”未提供")


@pytest.mark.parametrize("part", ["text", "html"])
@pytest.mark.parametrize(("kind", "key", "locale"), EVERY_KEY)
def test_text_and_html_each_use_every_variable(kind: str, key: str, locale: str, part: str) -> None:
    override = only_part(kind, locale, part)
    render(kind, SAMPLE_CONTEXTS[kind], locale, override)
    with problem(f"^template {en_kind(kind)} \\({locale}\\) {part}: '{key}'"):
        render(kind, without(kind, key), locale, override)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", TASK_KEYS)
def test_digest_uses_every_task_field(key: str, locale: str) -> None:
    context = copy.deepcopy(SAMPLE_CONTEXTS["daily_digest"])
    for task in context["tasks"]:
        del task[key]
    with problem(f"has no attribute '{key}'"):
        render("daily_digest", context, locale)


@pytest.mark.parametrize(("kind", "locale"), EVERY)
def test_the_sandbox_renders_the_shipped_source_identically(kind: str, locale: str) -> None:
    context = SAMPLE_CONTEXTS[kind]
    shipped = shipped_source(kind, locale)
    assert render(kind, context, locale, shipped) == render(kind, context, locale)


def test_html_is_escaped_and_text_is_verbatim() -> None:
    context = {**SAMPLE_CONTEXTS["task_assigned"], "nominee": SCRIPT, "site_url": 'http://x/"a'}
    for locale in LOCALES:
        msg = render("task_assigned", context, locale)
        assert SCRIPT in msg.text and SCRIPT in msg.subject
        assert "<script>" not in msg.html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in msg.html
        assert 'href="http://x/&#34;a/tasks/128"' in msg.html
        assert 'http://x/"a/tasks/128' in msg.text


def test_optional_values_left_empty() -> None:
    task = render("task_assigned", {**SAMPLE_CONTEXTS["task_assigned"], "due_at": ""})
    assert "请及时登录评选系统" in task.text and " 前登录" not in task.text
    ctx = {**SAMPLE_CONTEXTS["escalation"], "assignee": "", "count": 1, "reassigned": False}
    esc = render("escalation", ctx)
    assert "无人认领" in esc.text and "第" not in esc.subject and "撤回认领" not in esc.text
    assert "escalation no." not in render("escalation", ctx, "en").subject
    claimed = render("escalation", {**ctx, "assignee": "李娜"})
    assert "现由李娜认领" in claimed.text and "撤回认领" not in claimed.text
    released = render("escalation", SAMPLE_CONTEXTS["escalation"])
    assert "原由李娜认领" in released.text and "撤回认领" in released.text
    assert released.subject.endswith("（第2次督办）")
    back = render(
        "returned_for_material",
        {**SAMPLE_CONTEXTS["returned_for_material"], "answer_by": "", "reason": ""},
    )
    assert "退回原因" not in back.text and "尽快重新提交" in back.text


def test_state_and_outcome_labels() -> None:
    ended = SAMPLE_CONTEXTS["nomination_ended"]
    assert "联审否决" in render("nomination_ended", ended).subject
    assert "vetoed in joint review" in render("nomination_ended", ended, "en").subject
    back = render("nomination_ended", {**ended, "state": "joint_review_returned"})
    assert "多部门联审（退回）" in back.text  # a returned stage is named, never its code
    back = render("nomination_ended", {**ended, "state": "joint_review_returned"}, "en")
    assert "joint departmental review (returned)" in back.text
    odd = render("nomination_ended", {**ended, "state": "a_state_of_my_own"})
    assert "a_state_of_my_own" in odd.text  # an unknown state is shown as it is
    outcome = {**SAMPLE_CONTEXTS["objection_outcome"], "outcome": "upheld"}
    assert render("objection_outcome", outcome).subject.endswith("：属实")
    assert "不再列入" in render("objection_outcome", outcome).text
    override = TemplateSource("{{ state | state_label('en') }}", "{{ state | state_label }}", "x")
    msg = render("committee_result", SAMPLE_CONTEXTS["committee_result"], "zh-CN", override)
    assert (msg.subject, msg.text) == ("awarded", "授予\n")
    override = TemplateSource(
        "{{ 'veto' | label('trigger') }}", "{{ 'admin' | label('role', 'en') }}", "x"
    )
    msg = render("committee_result", SAMPLE_CONTEXTS["committee_result"], "zh-CN", override)
    assert (msg.subject, msg.text) == ("否决", "administrator\n")


def test_unknown_kind_and_locale() -> None:
    with pytest.raises(TemplateProblem) as info:
        render("nope", {})
    assert info.value.text("en").startswith("unknown message kind 'nope'")
    assert str(info.value).startswith("未知的邮件类型“nope”；可用类型：新审核任务、")
    with pytest.raises(TemplateProblem) as info:
        render("reminder", SAMPLE_CONTEXTS["reminder"], "fr")
    assert info.value.text("en") == "template reminder: unknown locale 'fr'; known: zh-CN, en"
    assert str(info.value) == "邮件模板“到期提醒”：未知的语言“fr”；可用：中文、英文"


# -- overrides -----------------------------------------------------------------------------

VALID = TemplateSource(
    subject="催办：{{ nominee }}\n  {{ stage }}\n",
    text="{{ nominee }} 请于 {{ due_at }} 前办理 {{ site_url }}/tasks/{{ task_id }}",
    html='{% extends "_layout.html" %}{% block content %}<b>{{ nominee }}</b>{% endblock %}',
)


def test_a_valid_override_renders_escaped_in_html_only() -> None:
    validate_override("reminder", VALID)
    context = {**SAMPLE_CONTEXTS["reminder"], "nominee": SCRIPT}
    msg = render("reminder", context, "zh-CN", VALID)
    assert msg.subject == f"催办：{SCRIPT} 多部门联审"
    assert msg.text == f"{SCRIPT} 请于 2026-03-16 17:00 前办理 http://127.0.0.1:8000/tasks/128\n"
    assert "<b>&lt;script&gt;" in msg.html and "<script>" not in msg.html


@pytest.mark.parametrize("part", ["subject", "text", "html"])
def test_a_syntax_error_names_part_and_line(part: str) -> None:
    broken = {"subject": "x", "text": "x", "html": "x", part: "first\nsecond {{ nominee }\nthird"}
    with pytest.raises(TemplateProblem) as info:
        validate_override("reminder", TemplateSource(**broken), "en")
    assert info.value.text("en").startswith(f"template reminder (en) {part}: line 2: ")
    shown = catalogue.label("mail_part", part)
    assert str(info.value).startswith(f"邮件模板“到期提醒”（英文）的{shown}：第2行有语法错误：")


def test_an_unprovided_variable_is_refused() -> None:
    source = TemplateSource("x", "{{ nominee }} {{ honorific }}", "x")
    with pytest.raises(TemplateProblem) as info:
        validate_override("reminder", source)
    assert info.value.text("en").startswith("template reminder (zh-CN) text: 'honorific' is")
    assert str(info.value) == "邮件模板“到期提醒”（中文）的纯文本正文：变量“honorific”未提供"


def test_an_empty_subject_is_refused() -> None:
    with pytest.raises(TemplateProblem) as info:
        validate_override("reminder", TemplateSource(" \n", "x", "x"))
    assert info.value.text("en").endswith("subject: the subject is empty")
    assert str(info.value).endswith("的主题：主题为空")


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ campaign.__class__.__base__.__subclasses__() }}",
        "{{ render.__globals__ }}",
        "{{ tasks.append({}) }}",
        "{% set _ = tasks.pop() %}",
        "{{ tasks[0].update({'nominee': 'x'}) }}",
        "{{ tasks[0].clear() }}",
    ],
)
def test_the_sandbox_refuses_unsafe_access_and_mutation(expression: str) -> None:
    context = copy.deepcopy(SAMPLE_CONTEXTS["daily_digest"])
    context["render"] = render
    source = TemplateSource("x", expression, "x")
    with problem(r"daily digest \(zh-CN\) text: .*unsafe"):
        render("daily_digest", context, "zh-CN", source)
    assert context["tasks"] == SAMPLE_CONTEXTS["daily_digest"]["tasks"]


def test_an_override_error_at_run_time_is_a_template_problem() -> None:
    source = TemplateSource("x", "{{ task_id / 0 }}", "x")
    with problem(r"text: ZeroDivisionError"):
        validate_override("reminder", source)


# -- composing -----------------------------------------------------------------------------
