"""The hash-chained audit: it verifies after a run and reports tampering, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent
from models.uow import UnitOfWork
from tests.conftest import T0, make_campaign
from tests.integration.audit_chain import _verify
from tests.integration.flow import AFTER_NOTICE, TEAM, add, count, fire, to_notice
from workflow import audit, audit_verify

# --- the audit chain --------------------------------------------------------------------------


def _run(sf: sessionmaker[Session]) -> int:
    """A short procedure in one campaign; returns the number of audit events it left, all in
    the campaign's lane."""
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    to_notice(sf, nomination)
    fire(sf, nomination, "close_notice", TEAM, AFTER_NOTICE)
    assert count(sf, AuditEvent, lane=campaign_id) == count(sf, AuditEvent)
    return count(sf, AuditEvent)


def _execute(sf: sessionmaker[Session], sql: str, **params: Any) -> None:
    with UnitOfWork(sf) as uow:
        uow.session.execute(text(sql), params)
        uow.commit()


def test_the_chain_verifies_after_a_run(sf: sessionmaker[Session]) -> None:
    events = _run(sf)
    report = _verify(sf)
    assert report == audit_verify.ChainReport(True, events, lanes=1)
    assert events > 10
    with UnitOfWork(sf) as uow:  # small batches walk the same chain
        assert audit_verify.verify(uow.session, batch=3) == audit_verify.ChainReport(
            True, events, lanes=1
        )


def test_an_altered_reason_is_reported_at_its_seq(sf: sessionmaker[Session]) -> None:
    events = _run(sf)
    target = events // 2
    _execute(sf, "UPDATE audit_events SET reason = :r WHERE seq = :s", r="篡改", s=target)

    report = _verify(sf)

    assert not report.ok and report.first_bad_seq == target
    assert "altered" in report.said("en")
    assert report.events == target - 1


def test_a_deleted_middle_event_is_reported_removed(sf: sessionmaker[Session]) -> None:
    events = _run(sf)
    target = events // 2
    _execute(sf, "DELETE FROM audit_events WHERE seq = :s", s=target)

    report = _verify(sf)

    assert not report.ok and report.first_bad_seq == target + 1
    assert "removed" in report.said("en")


def test_a_deleted_last_event_is_caught_by_the_head(sf: sessionmaker[Session]) -> None:
    events = _run(sf)
    _execute(sf, "DELETE FROM audit_events WHERE seq = :s", s=events)
    report = _verify(sf)
    assert not report.ok and "head records" in report.said("en")


@pytest.mark.parametrize("well_formed", [False, True], ids=["bad-hash", "rehashed"])
def test_a_forged_event_is_reported(sf: sessionmaker[Session], well_formed: bool) -> None:
    events = _run(sf)
    with UnitOfWork(sf) as uow:
        last = uow.session.scalars(select(AuditEvent).where(AuditEvent.seq == events)).one()
        entry = audit.AuditEntry(
            actor="admin (admin)", trigger="approve", campaign_id=last.lane, reason="伪造"
        )
        digest = audit.event_digest(last.hash, events + 1, T0, entry)
        uow.session.add(
            AuditEvent(
                lane=last.lane,
                campaign_id=last.lane,
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
        assert "head records" in report.said("en")
    else:
        assert report.first_bad_seq == events + 1 and "altered" in report.said("en")
