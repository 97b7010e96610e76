"""`honorflow workflow validate` puts a bad group selector's problem at its operator's key."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import JIANGXI
from tests.integration.test_cli import Honorflow

WOMEN = "  - {kind: share, id: women_min, label: 女性占比, group: {gender: F}, min_share: 0.20}"


def test_validate_names_the_rule_field_and_operator(tmp_path: Path) -> None:
    hf = Honorflow(tmp_path)
    text = JIANGXI.read_text(encoding="utf-8")
    assert WOMEN in text
    bad = tmp_path / "bad.yaml"
    young = (
        "  - {kind: coverage, id: young, label: 青年职工,\n"
        "     group: {ethnicity: {not: []}, age: {min: 40, under: 35}, retired: {min: 1}}}"
    )
    bad.write_text(text.replace(WOMEN, f"{WOMEN}\n{young}"), encoding="utf-8")
    result = hf.run("workflow", "validate", str(bad), ok=False)
    assert result.returncode == 2, result.stderr
    assert f"{bad}: composition.6.group.ethnicity.not: 字段“民族”的取值列表为空" in result.stderr
    assert f"{bad}: composition.6.group.age.under: “min: 40”与“under: 35”之间没有" in result.stderr
    assert f"{bad}: composition.6.group.retired.min: 运算符“min”只用于整数字段" in result.stderr
    assert "Traceback" not in result.stderr
    good = tmp_path / "good.yaml"
    fine = "  - {kind: coverage, id: young, label: 青年职工, group: {age: {under: 35}}}"
    good.write_text(text.replace(WOMEN, f"{WOMEN}\n{fine}"), encoding="utf-8")
    assert hf.json("workflow", "validate", str(good))["valid"] is True
