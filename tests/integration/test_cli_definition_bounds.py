"""`honorflow workflow validate/load` refuse unbounded YAML with exit code 2 and one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.test_cli import Honorflow
from tests.unit.test_definition_bounds import alias_bomb


@pytest.mark.parametrize("command", ["validate", "load"])
def test_cli_refuses_the_alias_bomb_and_deep_nesting(tmp_path: Path, command: str) -> None:
    hf = Honorflow(tmp_path)
    hf.run("db", "upgrade")
    for name, text, words in [
        ("bomb.yaml", alias_bomb(), "第1行使用了 YAML 锚点或别名"),
        ("deep.yaml", "[" * 5000, "第1行嵌套超过32层"),
    ]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = hf.run("workflow", command, str(path), ok=False)
        assert result.returncode == 2
        assert f"{path}: {words}" in result.stderr
        assert "Traceback" not in result.stderr and "lol" not in result.stderr
