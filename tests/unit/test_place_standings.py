"""The place tally's standings say the same as the procedure's rules, for every state.

A main nomination holds a place exactly when its standing is one of
`STANDINGS_HOLDING_PLACE`, and a nomination is not closed exactly when its standing is one of
`STANDINGS_NOT_CLOSED` — with the standing worked out by the very SQL the tally's triggers
run (models.place_tally.standing_sql), here on an in-memory SQLite.
"""

from __future__ import annotations

import sqlite3

import pytest

from models.place_tally import standing_of, standing_sql
from workflow.states import (
    AWARDED,
    CLOSED_STATES,
    DRAFT,
    END_STATES,
    HOLD_NO_PLACE,
    STANDINGS_HOLDING_PLACE,
    STANDINGS_NOT_CLOSED,
    SUBMITTED,
)

# The fixed states, and states a definition's stages add (any other name is one of those).
EVERY_STATE = [DRAFT, SUBMITTED, AWARDED, *END_STATES, "qualification", "public_notice"]


def _standing(status: str) -> str:
    with sqlite3.connect(":memory:") as db:
        (standing,) = db.execute(f"SELECT {standing_sql(':status')}", {"status": status}).fetchone()
    return standing


@pytest.mark.parametrize("status", EVERY_STATE)
def test_a_standing_holds_a_place_exactly_when_the_state_does(status: str) -> None:
    assert (_standing(status) in STANDINGS_HOLDING_PLACE) == (status not in HOLD_NO_PLACE)


@pytest.mark.parametrize("status", EVERY_STATE)
def test_a_standing_is_open_exactly_when_the_state_is_not_closed(status: str) -> None:
    assert (_standing(status) in STANDINGS_NOT_CLOSED) == (status not in CLOSED_STATES)


@pytest.mark.parametrize("status", EVERY_STATE)
def test_python_and_the_triggers_agree_on_a_standing(status: str) -> None:
    assert standing_of(status) == _standing(status)
