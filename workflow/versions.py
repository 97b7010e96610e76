"""Parsed definitions of stored versions, parsed once per process (rows never change)."""

from __future__ import annotations

from models import DefinitionVersion
from workflow.definition import Definition
from workflow.definition_loading import load_definition_text

_PARSED: dict[str, Definition] = {}


def definition_of(row: DefinitionVersion) -> Definition:
    """The parsed definition of a stored version (parsed once per process; rows never change)."""
    parsed = _PARSED.get(row.checksum)
    if parsed is None:
        parsed, _ = load_definition_text(row.source, row.key)
        _PARSED[row.checksum] = parsed
    return parsed
