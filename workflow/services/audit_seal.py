"""Sealing the audit chain with the key (once, after the upgrade that introduced it), and
rotating the key."""

from __future__ import annotations

from datetime import datetime

from config.audit_key import KeyNotInFile, rotate_key_file
from config.catalogue import msg
from config.settings import Settings
from models.uow import UnitOfWork
from workflow.audit import Appended, AuditEntry, append
from workflow.errors import InvalidState

SYSTEM = "system"


def seal_chain(uow: UnitOfWork, now: datetime) -> Appended:
    """Append an `audit_sealed` event under the key: it seals every event before it.

    Any action does the same; this is for a deployment that verifies right after upgrading.
    """
    if uow.audit_key is None:
        raise InvalidState(msg("error.audit.no_key"))
    appended = append(uow, now, AuditEntry(SYSTEM, "audit_sealed"))
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
    uow.commit()
    return appended, after.id
