"""The README's "Where things live" table points at files that exist and define what it names.

A newcomer finds any rule, stage, message or access decision in two hops: the README, then
the file it names. This test keeps the map true when code moves.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PATH = re.compile(r"`([\w./-]+\.(?:py|txt|po))`")
# `file.py`: `name`, `name.method` — the names that follow a file up to the next file.
ENTRY = re.compile(r"`([\w./-]+\.py)`:\s*((?:`[\w.]+`(?:,\s*)?)+)")
NAME = re.compile(r"`([\w.]+)`")


def map_rows(readme: str) -> list[str]:
    """The rows of the table under '### Where things live'."""
    section = readme.split("### Where things live", 1)[1].split("\n\n* ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and "`" in line]


def defined_names(source: str) -> set[str]:
    """Top-level functions, classes and assignments, and methods as Class.method."""
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            names.update(
                f"{node.name}.{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef)
            )
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def missing_in(readme: str, root: Path) -> list[str]:
    """Every file or name the table names that does not exist."""
    problems = []
    for row in map_rows(readme):
        for path in PATH.findall(row):
            if not (root / path).exists():
                problems.append(f"{path}: no such file")
        for path, names in ENTRY.findall(row):
            if not (root / path).exists():
                continue
            defined = defined_names((root / path).read_text(encoding="utf-8"))
            problems += [f"{path}: no {n}" for n in NAME.findall(names) if n not in defined]
    return problems


def test_the_readme_map_points_at_real_files_and_names() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(map_rows(readme)) >= 5
    assert missing_in(readme, ROOT) == []


@pytest.mark.parametrize(
    "topic",
    [
        "the veto rule",
        "when a public notice ends",
        "the unit quota check",
        "a reminder's text",
        "the department visibility rule",
    ],
)
def test_the_five_things_a_newcomer_looks_for_are_in_the_map(topic: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert any(row.startswith(f"| {topic}") for row in map_rows(readme))


def test_the_check_catches_a_moved_file_and_a_renamed_function(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def here():\n    pass\n", encoding="utf-8")
    readme = (
        "### Where things live\n\n| to find | look in |\n| --- | --- |\n"
        "| x | `a.py`: `here`, `gone` |\n| y | `b.py`: `f` |\n"
    )
    assert missing_in(readme, tmp_path) == ["a.py: no gone", "b.py: no such file"]
