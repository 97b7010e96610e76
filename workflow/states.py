"""The nomination's fixed states and the shape of one edge of its machine.

Kept apart from `workflow.machine` so that the stage kinds (which contribute edges) and
the machine (which asks them for edges) do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT, SUBMITTED, AWARDED, REVOKED = "draft", "submitted", "awarded", "revoked"
# Ends of the road; a nomination in one of these is no longer open.
END_STATES: tuple[str, ...] = (
    "disqualified",
    "vetoed",
    "removed",
    "not_approved",
    "withdrawn",
    REVOKED,
)
CLOSED_STATES: frozenset[str] = frozenset((*END_STATES, AWARDED))
# States in which a main nomination does not use one of its unit's places.
HOLD_NO_PLACE: tuple[str, ...] = (DRAFT, *END_STATES)


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
