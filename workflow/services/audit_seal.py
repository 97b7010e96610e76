"""Sealing the audit chain with the key: once, after the upgrade that introduced the key."""

from __future__ import annotations

from datetime import datetime

from config.catalogue import msg
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
