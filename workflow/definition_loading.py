"""Reading a definition: YAML text or a file, validated, with every problem at its key path."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from config.catalogue import Listing, Message, msg
from workflow.bounded_yaml import MAX_CHARS, YamlRefused, excerpt, load_bounded
from workflow.definition import Definition
from workflow.definition_problems import describe_error
from workflow.errors import DefinitionError, DefinitionRefused
from workflow.problems import KeyProblem


def checksum(raw: Mapping[str, Any]) -> str:
    """A stable digest of a definition's content, independent of key order and layout."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_definition(raw: Any, source: str = "<definition>") -> Definition:
    """Validate a mapping as a definition; errors name the source, key path and problem."""
    if not isinstance(raw, Mapping):
        raise _refused(source, [(None, msg("definition.top_level_mapping"))])
    try:
        return Definition.model_validate(dict(raw))
    except ValidationError as exc:
        raise _refused(source, _describe(exc)) from None


def load_definition_text(text: str, source: str) -> tuple[Definition, dict[str, Any]]:
    """Parse YAML text into a validated definition and the raw mapping it came from.

    The text is read within bounds (`workflow.bounded_yaml`): too large, an anchor or alias, or
    nesting too deep is refused with DefinitionRefused before anything is expanded. This is
    CPU work: async web handlers call it through a thread pool.
    """
    try:
        raw = load_bounded(text)
    except YamlRefused as refused:
        raise _refused(source, [(None, refused.problem)], DefinitionRefused) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = (
            msg("definition.not_yaml", line=mark.line + 1, column=mark.column + 1)
            if mark is not None
            else msg("definition.not_yaml_at_all")
        )
        raise _refused(source, [(None, problem)]) from None
    definition = parse_definition(raw, source)
    return definition, dict(raw)


def load_definition_file(path: Path) -> tuple[Definition, dict[str, Any]]:
    """Read and validate a definition file (no larger than the text bound)."""
    try:
        if path.stat().st_size > 4 * MAX_CHARS:  # a character is at most 4 bytes in UTF-8
            problem = msg("definition.too_large", limit=MAX_CHARS)
            raise _refused(str(path), [(None, problem)], DefinitionRefused)
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise _refused(str(path), [(None, msg("definition.cannot_read"))]) from None
    return load_definition_text(text, str(path))


def _refused(
    source: str,
    problems: list[tuple[str | None, Message]],
    kind: type[DefinitionError] = DefinitionError,
) -> DefinitionError:
    """The error naming the file, the key path (when there is one) and each problem."""
    lines = tuple(
        msg("definition.problem_at", source=source, path=path, problem=problem)
        if path
        else msg("definition.problem_in", source=source, problem=problem)
        for path, problem in problems
    )
    return kind(msg("text.plain", text=Listing(lines, "lines")))


def _describe(exc: ValidationError) -> list[tuple[str | None, Message]]:
    found: list[tuple[str | None, Message]] = []
    for error in exc.errors():
        problem = error.get("ctx", {}).get("error")
        if isinstance(problem, KeyProblem):
            # A cross-field check names its own key paths, not the definition as a whole.
            found.extend(problem.problems)
            continue
        # Keys come from the input: each part is quoted short, whatever its length.
        path = ".".join(excerpt(part) for part in error["loc"])
        found.append((path or None, describe_error(error)))
    return found
