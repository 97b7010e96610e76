"""Definition YAML is read within bounds: no aliases, no deep nesting, no huge text."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow.bounded_yaml import MAX_CHARS, MAX_DEPTH, compose_bounded, excerpt
from workflow.definition_loading import load_definition_file, load_definition_text
from workflow.errors import DefinitionError, DefinitionRefused

JIANGXI = Path(__file__).resolve().parents[2] / "config" / "workflows" / "jiangxi-labour-model.yaml"


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The classic 'billion laughs': each level lists the previous one `width` times."""
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def refusal(text: str, locale: str = "en") -> str:
    with pytest.raises(DefinitionRefused) as caught:
        load_definition_text(text, "bomb.yaml")
    return caught.value.text(locale)


def test_the_alias_bomb_is_refused_naming_the_alias() -> None:
    bomb = alias_bomb()
    assert len(bomb) < 800  # the reported attack: well under a kilobyte
    message = refusal(bomb)
    assert message == "bomb.yaml: line 1 uses a YAML anchor or alias, which definitions may not use"
    assert "lol" not in message  # nothing of the input, let alone the expansion
    assert "锚点或别名" in refusal(bomb, "zh-CN")


def test_an_alias_alone_and_a_merge_key_are_refused() -> None:
    assert "anchor or alias" in refusal("x: &x {a: 1}\ny:\n  <<: *x\n")
    assert "line 2" in refusal("name: a\ntitle: *nothing\n")


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    assert "nests deeper than 32 levels" in refusal("[" * 5000)
    assert "nests deeper" in refusal("x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 40)))
    shallow = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    with pytest.raises(DefinitionError) as caught:  # within the bound: only not a mapping
        load_definition_text(shallow, "ok.yaml")
    assert not isinstance(caught.value, DefinitionRefused)


def test_text_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    assert "may not exceed" in refusal("x: " + "y" * MAX_CHARS)
    big = tmp_path / "big.yaml"
    big.write_text("x: " + "y" * (4 * MAX_CHARS), encoding="utf-8")
    with pytest.raises(DefinitionRefused):
        load_definition_file(big)


def test_errors_quote_a_long_key_only_in_excerpt() -> None:
    text = JIANGXI.read_text(encoding="utf-8") + "? " + "k" * 10_000 + "\n: 1\n"
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(text, "long.yaml")
    message = caught.value.text("en")
    assert "k" * 39 + "…" in message and len(message) < 200, message


def test_the_shipped_definitions_still_load_and_compose() -> None:
    definition, _ = load_definition_text(JIANGXI.read_text(encoding="utf-8"), "jx.yaml")
    assert definition.name == "jiangxi-labour-model"
    assert compose_bounded(JIANGXI.read_text(encoding="utf-8")) is not None
    assert compose_bounded("[" * 5000) is None and compose_bounded(alias_bomb()) is None


def test_excerpt_is_short_and_on_one_line() -> None:
    assert excerpt("a\nb") == "a b"
    assert excerpt("x" * 100) == "x" * 39 + "…"
