"""A definition's errors name the file, the key path and the problem, in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.unit.definition_edits import (
    ERROR_CASES,
    SOURCE,
    Raw,
    error_of,
)
from workflow.definition_loading import load_definition_text
from workflow.errors import DefinitionError

# --- error messages: source, key path, problem --------------------------------------------


@pytest.mark.parametrize(
    ("change", "key_path", "problem"),
    [pytest.param(change, path, problem, id=case) for case, change, path, problem in ERROR_CASES],
)
def test_error_names_source_key_path_and_problem(
    change: Callable[[Raw], object], key_path: str, problem: str
) -> None:
    message = error_of(change)
    lines = message.splitlines()
    matching = [line for line in lines if line.startswith(f"{SOURCE}: {key_path}")]
    assert matching, f"no line names {key_path!r}: {message}"
    assert any(problem in line for line in matching), message
    # Every line names the file; none hides the place behind "(top level)" or pydantic's URLs.
    assert all(line.startswith(f"{SOURCE}: ") for line in lines), message
    assert "(top level)" not in message
    assert "errors.pydantic.dev" not in message


# Every problem is in the catalogue now (the unknown-rule check was the last in English).
LEFT_IN_ENGLISH: set[str] = set()


@pytest.mark.parametrize(
    ("change", "key_path"),
    [
        pytest.param(change, path, id=case)
        for case, change, path, _ in ERROR_CASES
        if case not in LEFT_IN_ENGLISH
    ],
)
def test_the_problem_is_translated_and_the_place_kept(
    change: Callable[[Raw], object], key_path: str
) -> None:
    zh, en = error_of(change, "zh-CN"), error_of(change, "en")
    lines = [line for line in zh.splitlines() if line.startswith(f"{SOURCE}: {key_path}")]
    assert lines, zh
    problems = [line.removeprefix(f"{SOURCE}: ").split(": ", 1)[-1] for line in lines]
    assert all(re.search(r"[\u4e00-\u9fff]", p) for p in problems), zh
    assert zh != en


def test_every_problem_is_reported_at_once() -> None:
    def two_problems(raw: Raw) -> None:
        raw["colour"] = "red"
        raw["stages"][0]["duration_days"] = "ten"

    lines = error_of(two_problems).splitlines()
    assert f"{SOURCE}: colour: unknown key" in lines
    assert any(line.startswith(f"{SOURCE}: stages.0.duration_days: ") for line in lines)


def test_invalid_yaml_names_the_source() -> None:
    with pytest.raises(DefinitionError) as caught:
        load_definition_text("name: [unclosed\nstages: {\n", "broken.yaml")
    message = str(caught.value)
    assert message == "broken.yaml: 第2行第7列不是有效的 YAML"
    assert caught.value.text("en") == "broken.yaml: not valid YAML: line 2, column 7"


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a string\n", ""])
def test_top_level_must_be_a_mapping(text: str) -> None:
    with pytest.raises(DefinitionError, match=r"^list\.yaml: 顶层须为键值映射"):
        load_definition_text(text, "list.yaml")
