"""Concurrent triggers, claims, findings and submissions: one wins, on both databases."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Objection, ReviewTask
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, make_campaign
from tests.integration.audit_chain import _verify
from tests.integration.flow import add, count, fire, open_tasks, status, to_notice
from workflow.actors import Actor
from workflow.errors import (
    ConcurrentChange,
    GuardFailed,
    HonorflowError,
    InvalidState,
    TransitionNotAllowed,
)
from workflow.lifecycles import objection as objection_lifecycle
from workflow.lifecycles import review_task
from workflow.services import objections, reviews, transitions

# --- concurrency -------------------------------------------------------------------------------


def _race(
    sf: sessionmaker[Session],
    action: Callable[[UnitOfWork], object],
    monkeypatch: pytest.MonkeyPatch,
) -> list[object]:
    """Run `action` in two threads with their own unit of work, started together.

    The first transaction to change state lingers a little inside its lock, so the two
    always overlap: the second must wait for the lock, not merely come later.
    """
    barrier = threading.Barrier(2)
    results: list[object] = []
    lock = threading.Lock()
    real = transitions.on_state_changed

    def slow(step: Any, source: str, dest: str) -> None:
        real(step, source, dest)
        time.sleep(0.2)

    monkeypatch.setattr(transitions, "on_state_changed", slow)

    def worker() -> None:
        barrier.wait()
        try:
            with UnitOfWork(sf) as uow:
                outcome: object = action(uow)
        except HonorflowError as exc:
            outcome = exc
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


def _split(results: list[object]) -> tuple[list[transitions.TransitionResult], list[object]]:
    wins = [r for r in results if isinstance(r, transitions.TransitionResult)]
    return wins, [r for r in results if r not in wins]


def test_same_trigger_same_version_one_wins_one_gets_concurrent_change(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    fire(sf, nomination, "submit")
    version = status(sf, nomination).version

    results = _race(
        sf,
        lambda uow: transitions.fire(
            uow, nomination, "begin_review", ADMIN, T0, expected_version=version
        ),
        monkeypatch,
    )

    wins, losses = _split(results)
    assert len(wins) == 1 and len(losses) == 1
    assert isinstance(losses[0], ConcurrentChange)
    assert f"版本{version}，现为{version + 1}" in str(losses[0])
    after = status(sf, nomination)
    assert (after.status, after.version) == ("qualification", version + 1)
    assert len(open_tasks(sf, nomination)) == 1
    assert count(sf, AuditEvent, trigger="begin_review") == 1
    assert _verify(sf).ok


def test_same_trigger_without_version_applies_once(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    fire(sf, nomination, "submit")

    results = _race(
        sf, lambda uow: transitions.fire(uow, nomination, "begin_review", ADMIN, T0), monkeypatch
    )

    wins, losses = _split(results)
    assert len(wins) == 1 and len(losses) == 1
    assert isinstance(losses[0], TransitionNotAllowed | ConcurrentChange)
    assert status(sf, nomination).status == "qualification"
    assert len(open_tasks(sf, nomination)) == 1
    assert count(sf, AuditEvent, trigger="begin_review") == 1
    assert _verify(sf).ok


def test_a_stale_expected_version_is_refused(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    version = status(sf, nomination).version
    fire(sf, nomination, "submit")
    with pytest.raises(ConcurrentChange, match="请刷新后重试"):
        fire(sf, nomination, "begin_review", expected_version=version)
    assert status(sf, nomination).status == "submitted"


def test_two_reviewers_claiming_one_task_one_wins(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    fire(sf, nomination, "submit")
    fire(sf, nomination, "begin_review")
    [task] = open_tasks(sf, nomination)
    names = iter(["甲审核", "乙审核"])
    real_audit = review_task.record

    def slow_audit(*args: Any, **kwargs: Any) -> None:
        real_audit(*args, **kwargs)
        time.sleep(0.2)  # hold the nomination lock a little, so the two overlap

    monkeypatch.setattr(review_task, "record", slow_audit)

    def claim(uow: UnitOfWork) -> object:
        name = next(names)
        return reviews.claim(uow, task.id, Actor(name, "team_reviewer", "working_team"), T0)

    results = _race(sf, claim, monkeypatch)

    claimed = [r for r in results if isinstance(r, ReviewTask)]
    refused = [r for r in results if not isinstance(r, ReviewTask)]
    assert len(claimed) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], InvalidState | ConcurrentChange)
    [after] = open_tasks(sf, nomination)
    assert after.assignee == claimed[0].assignee
    assert count(sf, AuditEvent, trigger="claim_task") == 1


def test_two_findings_on_one_objection_only_one_counts(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    to_notice(sf, nomination)
    with UnitOfWork(sf) as uow:
        data = objections.ObjectionInput("letter", "有问题", date(2026, 3, 3), "李四", "138")
        objection_id = objections.record_objection(uow, nomination, data, ADMIN, T0).id
    with UnitOfWork(sf) as uow:
        objections.answer_objection(uow, objection_id, "核查情况", ADMIN, T0)
    outcomes = iter(["upheld", "dismissed"])
    real_audit = objection_lifecycle._audit

    def slow_audit(*args: Any, **kwargs: Any) -> None:
        real_audit(*args, **kwargs)
        time.sleep(0.2)

    monkeypatch.setattr(objection_lifecycle, "_audit", slow_audit)

    def decide(uow: UnitOfWork) -> object:
        return objections.decide_objection(uow, objection_id, next(outcomes), "核查", ADMIN, T0)

    results = _race(sf, decide, monkeypatch)

    done = [r for r in results if isinstance(r, Objection)]
    refused = [r for r in results if not isinstance(r, Objection)]
    assert len(done) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], InvalidState | ConcurrentChange)
    with UnitOfWork(sf) as uow:
        stored = uow.session.get(Objection, objection_id)
        assert stored is not None and stored.status == done[0].status
        decisions = uow.session.scalars(
            select(AuditEvent).where(
                AuditEvent.trigger.in_(["objection_upheld", "objection_dismissed"])
            )
        ).all()
        assert len(decisions) == 1
    expected = "removed" if done[0].status == "upheld" else "public_notice"
    assert status(sf, nomination).status == expected


def test_two_submissions_racing_for_the_last_place_only_one_gets_it(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id = make_campaign(sf)  # jt holds 2 places
    fire(sf, add(sf, campaign_id, "jt", "甲"), "submit")
    racers = [add(sf, campaign_id, "jt", name) for name in ("乙", "丙")]
    queue = iter(racers)

    results = _race(
        sf, lambda uow: transitions.fire(uow, next(queue), "submit", ADMIN, T0), monkeypatch
    )

    wins, losses = _split(results)
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], GuardFailed) and losses[0].failures[0].rule == "quota"
    assert sorted(status(sf, n).status for n in racers) == ["draft", "submitted"]
