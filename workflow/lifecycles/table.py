"""A lifecycle's transition table: which status may become which."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from workflow.errors import InvalidState


@dataclass(frozen=True)
class Lifecycle:
    """A named table of moves, status -> the statuses it may become."""

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

    def check(self, what: str, current: str, target: str) -> None:
        """Refuse a move the table does not allow, naming the status and the allowed moves."""
        if target not in self.moves.get(current, frozenset()):
            allowed = ", ".join(self.allowed(current)) or "none"
            raise InvalidState(
                f"{what} is {current} and cannot become {target}"
                f" (allowed from {current}: {allowed})"
            )
