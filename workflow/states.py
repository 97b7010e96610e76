"""The nomination's fixed states, what they mean, and the shape of one edge of its machine.

The fixed states' names live with the status column (models/nominations.py), because the
place tally's triggers sort rows by them in the database.

Kept apart from `workflow.machine` so that the stage kinds (which contribute edges) and
the machine (which asks them for edges) do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.nominations import AWARDED, DRAFT, END_STATES, REVOKED, SUBMITTED
from models.place_tally import STANDING_AWARDED, STANDING_DRAFT, STANDING_OPEN

CLOSED_STATES: frozenset[str] = frozenset((*END_STATES, AWARDED))
# States in which a main nomination does not use one of its unit's places.
HOLD_NO_PLACE: tuple[str, ...] = (DRAFT, *END_STATES)
# The same two rules in the place tally's standings: a main nomination that holds a place,
# a nomination that is not closed (tests/unit/test_place_standings.py checks every state).
STANDINGS_HOLDING_PLACE: tuple[str, ...] = (STANDING_OPEN, STANDING_AWARDED)
STANDINGS_NOT_CLOSED: tuple[str, ...] = (STANDING_DRAFT, STANDING_OPEN)

__all__ = [
    "AWARDED",
    "CLOSED_STATES",
    "DRAFT",
    "END_STATES",
    "HOLD_NO_PLACE",
    "REVOKED",
    "STANDINGS_HOLDING_PLACE",
    "STANDINGS_NOT_CLOSED",
    "SUBMITTED",
    "TransitionResult",
    "TransitionSpec",
]


@dataclass(frozen=True)
class TransitionSpec:
    """One edge of the machine, with the guards that must pass."""

    trigger: str
    source: str
    dest: str
    guards: tuple[str, ...] = ()
    system_only: bool = False  # fired by the engine itself (joint-review outcome, deadlines)


@dataclass(frozen=True)
class TransitionResult:
    """What one applied transition did (returned by `workflow.services.transitions.apply`)."""

    nomination_id: int
    trigger: str
    from_state: str
    to_state: str
    version: int
    audit_seq: int
