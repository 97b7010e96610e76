"""A lifecycle's transition table: which status may become which."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from config.catalogue import Label, msg
from workflow.errors import InvalidState


@dataclass(frozen=True)
class Lifecycle:
    """A named table of moves, status -> the statuses it may become.

    `name` is the catalogue area of its statuses (`task_status`, `objection`,
    `deadline_status`, `phase`): a status is shown as `Label(name, status)` and the thing
    itself as `Label("lifecycle", name)`.
    """

    name: str
    moves: Mapping[str, frozenset[str]]

    @property
    def statuses(self) -> tuple[str, ...]:
        """Every status of the lifecycle, in the table's order."""
        return tuple(self.moves)

    def allowed(self, current: str) -> list[str]:
        """The statuses `current` may become, sorted."""
        return sorted(self.moves.get(current, frozenset()))

    def sources(self, target: str) -> list[str]:
        """The statuses from which `target` may be reached (for set-based moves)."""
        return [s for s, targets in self.moves.items() if target in targets]

    def label(self, status: str) -> Label:
        """A status of this lifecycle as a figure shown by its label."""
        return Label(self.name, status)

    def check(self, ref: object, current: str, target: str) -> None:
        """Refuse a move the table does not allow, naming the status and the allowed moves.

        `ref` names the row: its id (shown as #7) or a title a person knows (a campaign's);
        an older caller's "task 12" is read as the id 12.
        """
        if target not in self.moves.get(current, frozenset()):
            allowed = [self.label(s) for s in self.allowed(current)]
            raise InvalidState(
                msg(
                    "error.lifecycle_refused",
                    what=Label("lifecycle", self.name),
                    ref=_reference(ref),
                    current=self.label(current),
                    target=self.label(target),
                    allowed=allowed or msg("error.nothing_allowed"),
                )
            )


def _reference(ref: object) -> str:
    """A row's id as #7, a title in quotes; a legacy "task 12" as #12."""
    legacy = re.fullmatch(r"[a-z ]+ (\d+)", str(ref))
    if isinstance(ref, int) or legacy:
        return f"#{legacy.group(1) if legacy else ref}"
    return f"“{ref}”"
