"""All-or-nothing transitions, the hash-chained audit and concurrent triggers, on both databases."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Deadline, Nomination, Objection, OutboxMessage, ReviewTask
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, make_campaign
from tests.integration.flow import (
    AFTER_NOTICE,
    TEAM,
    add,
    complete,
    count,
    fire,
    open_tasks,
    status,
    to_joint_review,
    to_notice,
)
from workflow import audit
from workflow.actors import Actor
from workflow.errors import (
    ConcurrentChange,
    GuardFailed,
    HonorflowError,
    InvalidState,
    TransitionNotAllowed,
)
from workflow.services import objections, reviews, transitions


def _snapshot(sf: sessionmaker[Session]) -> dict[str, Any]:
    """Everything a transition may write, as plain values."""
    with UnitOfWork(sf) as uow:
        s = uow.session
        return {
            "nominations": s.execute(
                select(
                    Nomination.id, Nomination.status, Nomination.rank, Nomination.version
                ).order_by(Nomination.id)
            ).all(),
            "tasks": s.execute(
                select(ReviewTask.id, ReviewTask.status, ReviewTask.version).order_by(ReviewTask.id)
            ).all(),
            "deadlines": s.execute(
                select(Deadline.id, Deadline.status).order_by(Deadline.id)
            ).all(),
            "outbox": s.scalar(select(func.count(OutboxMessage.id))),
            "audit": s.scalar(select(func.count(AuditEvent.id))),
        }


def _broken_digest(*args: object, **kwargs: object) -> str:
    raise RuntimeError("audit store unavailable")


# --- one transaction per state change --------------------------------------------------------


def test_a_failing_audit_append_leaves_nothing_behind(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    fire(sf, nomination, "submit")
    before = _snapshot(sf)
    monkeypatch.setattr(audit, "event_digest", _broken_digest)

    # begin_review writes a task, its deadlines and an outbox row before the audit event.
    with pytest.raises(RuntimeError, match="audit store unavailable"):
        fire(sf, nomination, "begin_review")

    assert _snapshot(sf) == before
    monkeypatch.undo()
    fire(sf, nomination, "begin_review")  # and the same change still goes through afterwards
    after = _snapshot(sf)
    assert len(after["tasks"]) == 1 and after["outbox"] == before["outbox"] + 1


def test_a_failing_audit_append_undoes_a_veto_and_its_step_up(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id = make_campaign(sf)
    main = add(sf, campaign_id, "nc", "主推")
    alternate = add(sf, campaign_id, "nc", "后备", rank="alternate", order=1)
    to_joint_review(sf, main)
    police = next(t for t in open_tasks(sf, main) if t.department == "police")
    before = _snapshot(sf)
    calls = {"n": 0}
    real = audit.event_digest

    def fail_late(*args: Any, **kwargs: Any) -> str:
        # Let the task's own audit event and the veto through; fail on the step-up event.
        calls["n"] += 1
        if calls["n"] >= 3:
            raise RuntimeError("audit store unavailable")
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "event_digest", fail_late)
    with pytest.raises(RuntimeError):
        complete(sf, police.id, "object", opinion="有违法记录")

    assert calls["n"] == 3
    assert _snapshot(sf) == before
    assert status(sf, main).status == "joint_review"
    assert status(sf, alternate).rank == "alternate"


# --- the audit chain --------------------------------------------------------------------------


def _run(sf: sessionmaker[Session]) -> int:
    """A short procedure; returns the number of audit events it left."""
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    to_notice(sf, nomination)
    fire(sf, nomination, "close_notice", TEAM, AFTER_NOTICE)
    return count(sf, AuditEvent)


def _verify(sf: sessionmaker[Session]) -> audit.ChainReport:
    with UnitOfWork(sf) as uow:
        return audit.verify(uow.session)


def _execute(sf: sessionmaker[Session], sql: str, **params: Any) -> None:
    with UnitOfWork(sf) as uow:
        uow.session.execute(text(sql), params)
        uow.commit()


def test_the_chain_verifies_after_a_run(sf: sessionmaker[Session]) -> None:
    events = _run(sf)
    report = _verify(sf)
    assert report == audit.ChainReport(True, events)
    assert events > 10
    with UnitOfWork(sf) as uow:  # small batches walk the same chain
        assert audit.verify(uow.session, batch=3) == audit.ChainReport(True, events)


def test_an_altered_reason_is_reported_at_its_seq(sf: sessionmaker[Session]) -> None:
    events = _run(sf)
    target = events // 2
    _execute(sf, "UPDATE audit_events SET reason = :r WHERE seq = :s", r="篡改", s=target)

    report = _verify(sf)

    assert not report.ok and report.first_bad_seq == target
    assert report.problem is not None and "altered" in report.problem
    assert report.events == target - 1


def test_a_deleted_middle_event_is_reported_removed(sf: sessionmaker[Session]) -> None:
    events = _run(sf)
    target = events // 2
    _execute(sf, "DELETE FROM audit_events WHERE seq = :s", s=target)

    report = _verify(sf)

    assert not report.ok and report.first_bad_seq == target + 1
    assert report.problem is not None and "removed" in report.problem


def test_a_deleted_last_event_is_caught_by_the_head(sf: sessionmaker[Session]) -> None:
    events = _run(sf)
    _execute(sf, "DELETE FROM audit_events WHERE seq = :s", s=events)
    report = _verify(sf)
    assert not report.ok and "head records" in (report.problem or "")


@pytest.mark.parametrize("well_formed", [False, True], ids=["bad-hash", "rehashed"])
def test_a_forged_event_is_reported(sf: sessionmaker[Session], well_formed: bool) -> None:
    events = _run(sf)
    with UnitOfWork(sf) as uow:
        last = uow.session.scalars(select(AuditEvent).where(AuditEvent.seq == events)).one()
        entry = audit.AuditEntry(actor="admin (admin)", trigger="approve", reason="伪造")
        digest = audit.event_digest(last.hash, events + 1, T0, entry)
        uow.session.add(
            AuditEvent(
                seq=events + 1,
                at=T0,
                actor=entry.actor,
                trigger=entry.trigger,
                reason=entry.reason,
                payload={},
                prev_hash=last.hash,
                hash=digest if well_formed else "f" * 64,
            )
        )
        uow.commit()

    report = _verify(sf)

    assert not report.ok
    if well_formed:  # a forger who knows the hash still cannot move the head
        assert "head records" in (report.problem or "")
    else:
        assert report.first_bad_seq == events + 1 and "altered" in (report.problem or "")


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
    real_audit = reviews._audit

    def slow_audit(*args: Any, **kwargs: Any) -> None:
        real_audit(*args, **kwargs)
        time.sleep(0.2)  # hold the nomination lock a little, so the two overlap

    monkeypatch.setattr(reviews, "_audit", slow_audit)

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
    upheld = iter([True, False])
    real_audit = objections._audit

    def slow_audit(*args: Any, **kwargs: Any) -> None:
        real_audit(*args, **kwargs)
        time.sleep(0.2)

    monkeypatch.setattr(objections, "_audit", slow_audit)

    def resolve(uow: UnitOfWork) -> object:
        return objections.resolve_objection(uow, objection_id, next(upheld), "核查", ADMIN, T0)

    results = _race(sf, resolve, monkeypatch)

    done = [r for r in results if isinstance(r, Objection)]
    refused = [r for r in results if not isinstance(r, Objection)]
    assert len(done) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], InvalidState | ConcurrentChange)
    with UnitOfWork(sf) as uow:
        stored = uow.session.get(Objection, objection_id)
        assert stored is not None and stored.status == done[0].status
        resolutions = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.trigger.like("objection_%"))
        ).all()
        assert len(resolutions) == 1
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
