"""The committee decision is recorded in one transaction and applied in batches after it: no
other change in the campaign waits for the whole list, and a stop between batches loses
nothing (the rest is applied by `finish_decisions`), on both databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Campaign, DecisionOutcome
from models.db import make_session_factory
from models.uow import UnitOfWork
from tests.conftest import ADMIN, make_campaign
from tests.integration.audit_chain import _verify
from tests.integration.flow import (
    AFTER_NOTICE,
    BALANCED,
    SECRETARY,
    TEAM,
    add,
    add_village_worker,
    fire,
    status,
    to_committee,
    to_notice,
)
from workflow import audit
from workflow.errors import InvalidState
from workflow.queries import decision as decision_queries
from workflow.services import campaigns, committee, decision_outcomes

DECIDED = AFTER_NOTICE + timedelta(days=1)
LATER = DECIDED + timedelta(minutes=5)


def _list_of_five(sf: sessionmaker[Session]) -> tuple[int, list[int]]:
    """A campaign with five nominees before the committee (one village worker: the list meets
    every rule), in id order."""
    campaign_id = make_campaign(sf)
    ids = [add(sf, campaign_id, unit, name, **BALANCED)
           for unit, name in (("nc", "甲"), ("nc", "乙"), ("gz", "丙"), ("gz", "丁"))]  # fmt: skip
    for nomination in ids:
        to_committee(sf, nomination)
    return campaign_id, [*ids, add_village_worker(sf, campaign_id)]


def _decide(sf: sessionmaker[Session], campaign_id: int, **kwargs: Any) -> committee.Decision:
    with UnitOfWork(sf) as uow:
        return committee.decide(uow, campaign_id, SECRETARY, DECIDED, **kwargs)


def _statuses(sf: sessionmaker[Session], ids: list[int]) -> list[str]:
    return [status(sf, i).status for i in ids]


def test_each_batch_commits_on_its_own_and_the_list_ends_as_one_transaction_left_it(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id, ids = _list_of_five(sf)
    monkeypatch.setattr(decision_outcomes, "BATCH", 2)
    moved_per_commit: list[int] = []
    moved: list[int] = []

    def count_moves(session: Session, *_: Any) -> None:
        moved.extend(o.id for o in session.dirty if getattr(o, "status", None) != "committee")

    def at_commit(_session: Session) -> None:
        moved_per_commit.append(len(set(moved)))
        moved.clear()

    event.listen(sf, "before_flush", count_moves)
    event.listen(sf, "after_commit", at_commit)
    try:
        decision = _decide(sf, campaign_id, exceptions={ids[1]: "考察发现问题"})
    finally:
        event.remove(sf, "before_flush", count_moves)
        event.remove(sf, "after_commit", at_commit)

    assert decision.awarded == [ids[0], *ids[2:]] and decision.not_approved == [ids[1]]
    assert _statuses(sf, ids) == ["awarded", "not_approved", "awarded", "awarded", "awarded"]
    # The decision's own transaction, then three batches of at most two nominations each.
    assert len(moved_per_commit) >= 4 and max(moved_per_commit) <= 2
    with UnitOfWork(sf) as uow:
        rows = uow.session.scalars(select(DecisionOutcome).order_by("nomination_id")).all()
        assert [(r.nomination_id, r.approved, r.reason) for r in rows] == [
            (ids[0], True, None), (ids[1], False, "考察发现问题"), (ids[2], True, None),
            (ids[3], True, None), (ids[4], True, None),
        ]  # fmt: skip
        assert all(r.applied_at == DECIDED for r in rows)
        triggers = uow.session.scalars(
            select(AuditEvent.trigger)
            .where(AuditEvent.campaign_id == campaign_id, AuditEvent.seq > 0)
            .order_by(AuditEvent.id)
        ).all()
        assert triggers[-7:] == [
            "advance_phase", "committee_decision", "approve", "reject", "approve", "approve",
            "approve",
        ]  # fmt: skip
    assert _verify(sf).ok


def _stop_at(call: int) -> Callable[..., Any]:
    """`apply` that stops the process (as a killed worker would) at its `call`-th nominee."""
    calls = {"n": 0}

    def stopping(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == call:
            raise RuntimeError("worker killed")
        return committee_apply(*args, **kwargs)

    return stopping


committee_apply = decision_outcomes.apply


def test_a_decision_stopped_between_batches_stands_and_the_rest_is_applied_by_the_system(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id, ids = _list_of_five(sf)
    monkeypatch.setattr(decision_outcomes, "BATCH", 2)
    monkeypatch.setattr(decision_outcomes, "apply", _stop_at(4))  # in the second batch

    with pytest.raises(RuntimeError, match="worker killed"):
        _decide(sf, campaign_id)

    # The decision and the first batch are kept; the stopped batch changed nothing.
    assert _statuses(sf, ids) == ["awarded", "awarded", "committee", "committee", "committee"]
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get_one(Campaign, campaign_id)
        assert campaign.phase == "decided"
        assert decision_outcomes.pending(uow, campaign_id) == 3
        # Nobody reads half a list, and the campaign cannot close with it.
        with pytest.raises(InvalidState) as refused:
            decision_queries.final_list(uow, SECRETARY, campaign)
        assert str(refused.value) == "“测试评选”的审定结果正在写入，尚有3人待落实，请稍后再看"
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState):
        campaigns.advance_phase(uow, campaign_id, ADMIN, LATER, to="closed")

    monkeypatch.setattr(decision_outcomes, "apply", committee_apply)
    with UnitOfWork(sf) as uow:
        assert decision_outcomes.finish_decisions(uow, LATER) == 3
    with UnitOfWork(sf) as uow:
        assert decision_outcomes.finish_decisions(uow, LATER) == 0  # twice changes nothing

    assert _statuses(sf, ids) == ["awarded"] * 5
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get_one(Campaign, campaign_id)
        assert decision_queries.final_list(uow, SECRETARY, campaign).count == 5
        actors = uow.session.scalars(
            select(AuditEvent.actor)
            .where(AuditEvent.trigger == "approve", AuditEvent.campaign_id == campaign_id)
            .order_by(AuditEvent.id)
        ).all()
        assert actors == [SECRETARY.label] * 2 + ["system (system)"] * 3
    with UnitOfWork(sf) as uow:
        campaigns.advance_phase(uow, campaign_id, ADMIN, LATER, to="closed")
    assert _verify(sf).ok


def test_a_nominee_reaching_the_committee_after_the_decision_is_left_alone(
    sf: sessionmaker[Session],
) -> None:
    campaign_id, ids = _list_of_five(sf)
    late = add(sf, campaign_id, "jt", "戊", **BALANCED)
    to_notice(sf, late)

    _decide(sf, campaign_id)
    fire(sf, late, "close_notice", TEAM, AFTER_NOTICE + timedelta(days=2))
    with UnitOfWork(sf) as uow:
        assert decision_outcomes.finish_decisions(uow, LATER) == 0

    assert status(sf, late).status == "committee"
    assert _statuses(sf, ids) == ["awarded"] * 5


@pytest.mark.postgres
def test_another_change_in_the_campaign_does_not_wait_for_the_whole_list(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between two batches the campaign's audit lane is free: a change there goes through at
    once (with a lock timeout, it would fail were the lane held for the whole list)."""
    sf = make_session_factory(pg_engine)
    campaign_id, ids = _list_of_five(sf)
    monkeypatch.setattr(decision_outcomes, "BATCH", 2)
    written: list[int] = []
    take = decision_outcomes._take

    def take_then_write(uow: UnitOfWork, campaign: int, batch: int) -> Any:
        if status(sf, ids[0]).status == "awarded" and not written:
            with UnitOfWork(sf) as other:
                other.session.execute(text("SET LOCAL lock_timeout = '2s'"))
                entry = audit.AuditEntry.by(ADMIN, trigger="note", campaign_id=campaign_id)
                written.append(audit.append(other, LATER, entry).seq)
                other.commit()
        return take(uow, campaign, batch)

    monkeypatch.setattr(decision_outcomes, "_take", take_then_write)
    _decide(sf, campaign_id)

    assert len(written) == 1
    assert _statuses(sf, ids) == ["awarded"] * 5
    assert _verify(sf).ok


@pytest.mark.postgres
def test_the_decision_does_not_block_a_writer_that_checks_the_campaigns_key(
    pg_engine: Engine,
) -> None:
    """Every row written with the campaign's id checks that key (FOR KEY SHARE) while its
    writer may hold the audit lane: the decision's lock on the campaign must not wait for it,
    or the two deadlock (seen with FOR UPDATE under bench/bench_decision.py)."""
    sf = make_session_factory(pg_engine)
    campaign_id = make_campaign(sf)
    with pg_engine.connect() as writer:
        writer.execute(text("SELECT 1 FROM campaigns WHERE id = :id FOR KEY SHARE"),
                       {"id": campaign_id})  # fmt: skip
        with UnitOfWork(sf) as uow:
            uow.session.execute(text("SET LOCAL lock_timeout = '1s'"))
            assert committee._locked_campaign(uow, campaign_id).id == campaign_id
        writer.rollback()
