"""Changes that move the place tally never wait for each other in a circle (PostgreSQL).

A transaction that changes several nominations (the committee decision's batch, a step-up)
holds its campaign's audit head from its first event while it moves further tally rows. A
change elsewhere in the campaign that took a tally row before waiting for the head would
close a circle, which PostgreSQL breaks by failing one of them. Each change that moves the
tally takes the head first (`workflow.audit.hold_lane`), so here the single change waits and
both go through. Without that the batch fails with "deadlock detected" (checked when written).
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from models import Nomination
from models.db import make_session_factory
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, make_campaign
from tests.integration.flow import add, clerk, fire
from workflow.repository import commit, lock_nomination
from workflow.services import campaigns, transitions

pytestmark = pytest.mark.postgres


def _waiting_for_a_lock(engine: Engine, seconds: float = 10.0) -> bool:
    """Whether another backend of this database comes to wait for a lock within `seconds`."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        " AND datname = current_database() AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + seconds
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            if conn.execute(query).scalar_one():
                return True
            time.sleep(0.02)
    return False


def test_a_batch_and_a_single_change_in_the_same_campaign_both_go_through(
    pg_engine: Engine,
) -> None:
    sf: sessionmaker[Session] = make_session_factory(pg_engine)
    quotas = [campaigns.UnitQuota(code, f"单位{code}", 3) for code in ("u1", "u2")]
    campaign_id = make_campaign(sf, quotas=quotas)
    first, second, other = (
        add(sf, campaign_id, "u1", "甲"),
        add(sf, campaign_id, "u2", "乙"),
        add(sf, campaign_id, "u2", "丙"),
    )
    for nomination_id, unit in ((first, "u1"), (second, "u2"), (other, "u2")):
        fire(sf, nomination_id, "submit", clerk(unit))

    errors: list[BaseException] = []

    def single_change() -> None:
        try:
            fire(sf, other, "withdraw", clerk("u2"))
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    single = threading.Thread(target=single_change)
    with UnitOfWork(sf) as batch:
        # The batch's first change: its nomination, u1's tally rows, the campaign's head.
        transitions.apply(
            batch, lock_nomination(batch, first), "withdraw", ADMIN, T0, internal=True
        )
        single.start()
        assert _waiting_for_a_lock(pg_engine), ("the single change never came to wait", errors)
        # The batch's second change moves u2's tally rows, which the single change must not
        # be holding while it waits for the head.
        transitions.apply(
            batch, lock_nomination(batch, second), "withdraw", ADMIN, T0, internal=True
        )
        commit(batch)
    single.join(timeout=30)
    assert not single.is_alive()
    assert errors == []
    with UnitOfWork(sf) as uow:
        states = uow.session.scalars(
            select(Nomination.status).where(Nomination.id.in_([first, second, other]))
        ).all()
    assert states == ["withdrawn"] * 3
