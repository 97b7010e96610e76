"""An administrator's template override is bounded: its source per part, and what rendering it
may produce; it runs in Jinja's sandbox."""

from __future__ import annotations

import time

import pytest

from notifications.render import (
    MAX_OUTPUT_CHARS,
    MAX_SOURCE_CHARS,
    TemplateSource,
    validate_override,
)
from workflow.errors import TemplateProblem


def refused(source: TemplateSource) -> str:
    with pytest.raises(TemplateProblem) as info:
        validate_override("reminder", source)
    return info.value.text("en")


def test_a_source_past_the_cap_is_refused_before_it_is_compiled() -> None:
    words = refused(TemplateSource("提醒", "x" * (MAX_SOURCE_CHARS + 1), "x"))
    assert f"{MAX_SOURCE_CHARS} characters" in words


def test_output_past_the_cap_is_stopped_while_rendering() -> None:
    # 10^10 characters if it ran to the end: stopped once past the cap, in well under a second.
    loops = "{% for a in range(100000) %}{% for b in range(100000) %}xx{% endfor %}{% endfor %}"
    started = time.monotonic()
    words = refused(TemplateSource("提醒", loops, "x"))
    assert f"{MAX_OUTPUT_CHARS} characters" in words and "text" in words
    assert time.monotonic() - started < 5


def test_the_sandbox_refuses_reaching_outside() -> None:
    words = refused(TemplateSource("提醒", "{{ ''.__class__.__mro__ }}", "x"))
    assert "__class__" in words or "unsafe" in words


def test_an_override_within_the_caps_is_accepted() -> None:
    validate_override("reminder", TemplateSource("提醒 {{ campaign }}", "x" * 1000, "<p>x</p>"))
