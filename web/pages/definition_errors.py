"""Placing a definition's validation errors next to the YAML lines their key paths name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from workflow.bounded_yaml import compose_bounded

# How the catalogue words a YAML syntax error's place (definition.not_yaml), in each locale.
_LINE_OF_YAML_ERROR = re.compile(r"line (\d+), column \d+|第(\d+)行第\d+列")


@dataclass
class SourceLine:
    """One line of the uploaded file and the problems found at it."""

    number: int
    text: str
    problems: list[str] = field(default_factory=list)


def split_errors(message: str, source: str) -> list[tuple[str, str]]:
    """(key path, problem) pairs from a DefinitionError message ('source: path: problem')."""
    found = []
    for line in message.splitlines():
        rest = line.removeprefix(f"{source}: ")
        path, sep, problem = rest.partition(": ")
        if not sep or " " in path:
            found.append(("", rest))  # not a key path: e.g. 'not valid YAML: …'
        else:
            found.append((path, problem))
    return found


def line_of(text: str, path: str) -> int | None:
    """The 1-based line of the key path (or of its deepest part that exists)."""
    node = compose_bounded(text)  # the loader's bounds: no aliases, no deep nesting
    if node is None:
        return None
    line = None
    for part in [p for p in path.split(".") if p]:
        if isinstance(node, yaml.MappingNode):
            match = next((kv for kv in node.value if kv[0].value == part), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            line = node.start_mark.line + 1
        else:
            break
    return line


def annotate(text: str, message: str, source: str) -> tuple[list[SourceLine], list[str]]:
    """The file's lines with the problems placed on them, and the problems with no line."""
    lines = [SourceLine(i + 1, t) for i, t in enumerate(text.splitlines())]
    unplaced = []
    for path, problem in split_errors(message, source):
        shown = f"{path}: {problem}" if path else problem
        number = line_of(text, path) if path else _yaml_error_line(problem)
        if number is not None and 0 < number <= len(lines):
            lines[number - 1].problems.append(shown)
        else:
            unplaced.append(shown)
    return lines, unplaced


def _yaml_error_line(problem: str) -> int | None:
    found = _LINE_OF_YAML_ERROR.findall(problem)
    return int(next(n for n in found[-1] if n)) if found else None
