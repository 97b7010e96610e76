"""The honours registry: who holds which honour, consulted by the eligibility rules."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, insert, select

from models import HonourRecord, direct
from workflow.facts import PriorHonour
from workflow.step import Step

_INSERT_RECORD = insert(cast(Table, HonourRecord.__table__))


def add_to_registry(step: Step) -> None:
    """Enter an awarded nominee in the registry (a Core insert: the committee's decision writes
    one per nominee, and nothing in it reads the record back)."""
    n = step.nomination
    record = {
        "person_name": n.name,
        "birth_date": n.birth_date,
        "honour": n.honour,
        "honour_level": n.campaign.honour_level,
        "campaign_id": n.campaign_id,
        "nomination_id": n.id,
        "awarded_on": step.now.date(),
        "created_at": step.now,
        "revoked_on": None,
        "revoke_reason": None,
    }
    step.uow.session.execute(_INSERT_RECORD, record)


def mark_revoked(step: Step) -> None:
    """Mark the registry entry of a revoked honour, with the reason."""
    record = step.uow.session.scalars(
        select(HonourRecord).where(HonourRecord.nomination_id == step.nomination.id)
    ).one_or_none()
    if record is not None:
        record.revoked_on = step.now.date()
        record.revoke_reason = step.reason


def registry_honours(step: Step) -> tuple[PriorHonour, ...]:
    """Unrevoked honours the registry holds for the same person (name and birth date)."""
    n = step.nomination
    rows = direct.read(step.uow.session, _SAME_PERSON, {"name": n.name, "birth_date": n.birth_date})
    return tuple(PriorHonour(honour, level, awarded.year) for honour, level, awarded in rows)


# Built once (asked at every qualification check), reading only the columns it returns.
_SAME_PERSON = select(
    HonourRecord.honour, HonourRecord.honour_level, HonourRecord.awarded_on
).where(
    HonourRecord.person_name == bindparam("name"),
    HonourRecord.birth_date == bindparam("birth_date"),
    HonourRecord.revoked_on.is_(None),
)
