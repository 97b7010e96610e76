"""Sealing the audit chain with the key (once, after the upgrade that introduced it), and
rotating the key; both reach every lane (models/audit.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from config.audit_key import AuditKey, KeyNotInFile, rotate_key_file
from config.catalogue import msg
from config.settings import Settings
from models import AuditHead
from models.audit import LANE_NONE
from models.uow import UnitOfWork
from workflow.audit import Appended, AuditEntry, append, head_seal
from workflow.errors import InvalidState

SYSTEM = "system"


def seal_chain(uow: UnitOfWork, now: datetime) -> Appended:
    """Append an `audit_sealed` event under the key to lane 0, and to every campaign's lane
    whose head is not sealed yet: it seals every event before it in its lane; the lane 0
    event is returned.

    Any action in a lane does the same; this is for a deployment that verifies right after
    upgrading.
    """
    if uow.audit_key is None:
        raise InvalidState(msg("error.audit.no_key"))
    unsealed = uow.session.scalars(
        select(AuditHead.lane)
        .where(AuditHead.seal.is_(None), AuditHead.lane != LANE_NONE)
        .order_by(AuditHead.lane)
    ).all()
    appended = append(uow, now, AuditEntry(SYSTEM, "audit_sealed"))
    for lane in unsealed:
        append(uow, now, AuditEntry(SYSTEM, "audit_sealed", campaign_id=lane))
    uow.commit()
    return appended


def rotate_key(uow: UnitOfWork, settings: Settings, now: datetime) -> tuple[Appended, str]:
    """Add a new key to the key file, keep the old ones for verifying, and record the rotation
    as an event sealed with the new key; returns the event and the new key's id.

    Processes that loaded the keys before go on sealing with the old key (still verifiable)
    until they restart; a key configured by a setting is rotated by changing the settings.
    """
    try:
        before, after = rotate_key_file(settings)
    except KeyNotInFile:
        raise InvalidState(msg("error.audit.key_in_setting")) from None
    payload = {"from_key_id": before.id, "to_key_id": after.id}
    appended = append(uow, now, AuditEntry(SYSTEM, "audit_key_rotated", payload=payload), after)
    _reseal_heads(uow, after)
    uow.commit()
    return appended, after.id


def _reseal_heads(uow: UnitOfWork, key: AuditKey) -> None:
    """Seal every sealed lane's head again under the new key (lane 0's is, by the rotation's
    event): from now on no head rests on the old key alone. Locked in lane order, as every
    multi-lane writer must, so two of them never deadlock."""
    heads = uow.session.execute(
        select(AuditHead.lane, AuditHead.seq, AuditHead.hash)
        .where(AuditHead.seal.is_not(None), AuditHead.lane != LANE_NONE)
        .order_by(AuditHead.lane)
        .with_for_update()
    ).all()
    for head in heads:
        seal = head_seal(key, head.seq, head.hash, head.lane)
        uow.session.execute(
            update(AuditHead).where(AuditHead.lane == head.lane).values(key_id=key.id, seal=seal)
        )
