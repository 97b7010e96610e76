"""Parsed definitions of stored versions, parsed once per process (rows never change)."""

from __future__ import annotations

from models import Campaign, DefinitionVersion
from workflow.definition import Definition
from workflow.definition_loading import load_definition_text
from workflow.rules.composition import CompositionRule, parse_composition_rules

_PARSED: dict[str, Definition] = {}


def composition_rules_of(campaign: Campaign) -> list[CompositionRule]:
    """The campaign's composition rules in force, read with its definition's vocabularies."""
    return parse_composition_rules(
        campaign.composition, definition_of(campaign.definition).vocabularies
    )


def definition_of(row: DefinitionVersion) -> Definition:
    """The parsed definition of a stored version (parsed once per process; rows never change)."""
    parsed = _PARSED.get(row.checksum)
    if parsed is None:
        parsed, _ = load_definition_text(row.source, row.key)
        _PARSED[row.checksum] = parsed
    return parsed
