"""All-or-nothing transitions: a failing audit append leaves nothing behind, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Deadline, Nomination, OutboxMessage, ReviewTask
from models.uow import UnitOfWork
from tests.conftest import make_campaign
from tests.integration.flow import add, complete, fire, open_tasks, status, to_joint_review
from workflow import audit


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
        # Let the veto's event (the task's completion with it) through; fail on the step-up's.
        calls["n"] += 1
        if calls["n"] >= 2:
            raise RuntimeError("audit store unavailable")
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "event_digest", fail_late)
    with pytest.raises(RuntimeError):
        complete(sf, police.id, "object", opinion="有违法记录")

    assert calls["n"] == 2
    assert _snapshot(sf) == before
    assert status(sf, main).status == "joint_review"
    assert status(sf, alternate).rank == "alternate"
