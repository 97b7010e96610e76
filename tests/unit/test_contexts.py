"""Typed message contexts: the templates' schema, the stored JSON and the samples agree."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from notifications.contexts import (
    CONTEXTS,
    ENVELOPE,
    KINDS,
    DailyDigest,
    MessageContext,
    TaskAssigned,
    context_from,
    field_names,
    to_json,
)
from notifications.outbox import queue_message
from notifications.render import (
    LOCALES,
    PARTS,
    TEMPLATES_DIR,
    render_message,
    shipped_source,
    variables_used,
)
from notifications.samples import SAMPLE_CONTEXTS, SAMPLES
from workflow.errors import TemplateProblem

EVERY = [(kind, locale) for kind in KINDS for locale in LOCALES]


def test_every_kind_has_one_context_class_and_its_sample_is_an_instance() -> None:
    assert set(CONTEXTS) == set(KINDS) == set(SAMPLES)
    for kind, sample in SAMPLES.items():
        assert type(sample) is CONTEXTS[kind] and sample.kind == kind
        assert dataclasses.is_dataclass(sample)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(sample, field_names(type(sample))[0], None)


@pytest.mark.parametrize(("kind", "locale"), EVERY)
def test_every_template_renders_its_sample_and_uses_only_its_fields(kind: str, locale: str) -> None:
    rendered = render_message(
        SAMPLES[kind], campaign="某某评选", site_url="https://hf.example", locale=locale
    )
    assert rendered.subject and "某某评选" in rendered.text
    allowed = set(field_names(CONTEXTS[kind])) | set(ENVELOPE)
    source = shipped_source(kind, locale)
    for part in PARTS:
        used = variables_used(getattr(source, part))
        assert used <= allowed, f"{kind} ({locale}) {part} uses {sorted(used - allowed)}"


def test_the_layout_uses_only_the_envelope() -> None:
    layout = (TEMPLATES_DIR / "_layout.html").read_text(encoding="utf-8")
    assert variables_used(layout) <= set(ENVELOPE)


def test_the_schema_check_can_fail() -> None:
    # A template naming something outside the context is caught by the check above.
    assert "honorific" in variables_used("{{ nominee }} {{ honorific }}") - set(ENVELOPE)


@pytest.mark.parametrize("kind", KINDS)
def test_the_stored_json_rebuilds_the_same_context(kind: str) -> None:
    stored = to_json(SAMPLES[kind])
    assert context_from(kind, stored) == SAMPLES[kind]
    expected = {k: v for k, v in SAMPLE_CONTEXTS[kind].items() if k not in ENVELOPE}
    assert stored == expected


@pytest.mark.parametrize("kind", KINDS)
def test_an_unknown_or_missing_field_is_refused_by_name(kind: str) -> None:
    stored = to_json(SAMPLES[kind])
    with pytest.raises(TemplateProblem, match="的内容：未知的字段colour"):
        context_from(kind, {**stored, "colour": "red"})
    first = field_names(CONTEXTS[kind])[0]
    with pytest.raises(TemplateProblem, match=f"缺少字段{first}"):
        context_from(kind, {k: v for k, v in stored.items() if k != first})


@pytest.mark.parametrize(
    ("kind", "change", "problem"),
    [
        ("task_assigned", {"task_id": "128"}, "“task_id”：应为整数，实为文本"),
        ("escalation", {"count": True}, "“count”：应为整数，实为布尔值"),
        ("escalation", {"reassigned": 1}, "“reassigned”：应为布尔值，实为整数"),
        ("daily_digest", {"tasks": "none"}, "“tasks”：应为列表，实为文本"),
        ("daily_digest", {"tasks": [{"task_id": 1}]}, r"“tasks\[0\]”：缺少字段"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(
    kind: str, change: dict[str, Any], problem: str
) -> None:
    with pytest.raises(TemplateProblem, match=problem):
        context_from(kind, {**to_json(SAMPLES[kind]), **change})


def test_an_unknown_kind_and_a_non_object_are_refused() -> None:
    with pytest.raises(TemplateProblem, match="未知的邮件类型“fax”"):
        context_from("fax", {})
    with pytest.raises(TemplateProblem, match="应为对象，实为列表"):
        context_from("reminder", [])


def test_rows_written_before_typing_keep_their_retired_field() -> None:
    stored = {**to_json(SAMPLES["task_assigned"]), "department_code": "tax"}
    assert context_from("task_assigned", stored) == SAMPLES["task_assigned"]


def test_a_digest_holds_typed_lines() -> None:
    digest = context_from("daily_digest", to_json(SAMPLES["daily_digest"]))
    assert isinstance(digest, DailyDigest)
    assert [line.task_id for line in digest.tasks] == [128, 131]


def test_a_context_is_queued_only_under_its_own_kind() -> None:
    sample: MessageContext = SAMPLES["task_assigned"]
    assert isinstance(sample, TaskAssigned)
    with pytest.raises(ValueError, match="TaskAssigned context cannot be sent as 'reminder'"):
        queue_message(
            None,  # type: ignore[arg-type]  # refused before the database is touched
            key="k",
            kind="reminder",
            recipient="a@example.org",
            now=None,  # type: ignore[arg-type]
            context=sample,
        )
