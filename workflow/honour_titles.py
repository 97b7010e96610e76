"""拟授称号: the title a nominee is put forward for, from the definition's `documents.titles`.

Titles follow the nominee's employer (enterprise staff and farmers become 劳动模范, staff of
government bodies and public institutions 先进工作者); which group gets which title is the
definition's, first match wins. A title the unit wrote on its form stands as written.
"""

from __future__ import annotations

from datetime import date

from workflow.definition import Definition
from workflow.facts import NomineeFacts


def title_for(
    definition: Definition,
    facts: NomineeFacts,
    written: str,
    fallback: str,
    on: date | None = None,
) -> str:
    """The title as the form wrote it, else the first of the definition's titles whose group
    the nominee matches (age counted on `on`, the campaign's reference date), else `fallback`
    (the campaign's honour)."""
    if written.strip():
        return written.strip()
    for rule in definition.documents.titles:
        if rule.group.matches(facts, on):
            return rule.title
    return fallback


def section_key(definition: Definition, title: str) -> tuple[int, str]:
    """Where a title's section stands in the final list: the definition's order, others after."""
    order = [rule.title for rule in definition.documents.titles]
    return (order.index(title), "") if title in order else (len(order), title)
