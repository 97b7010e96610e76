"""Checking the place tally against the nominations, and recounting it.

The database keeps the tally with triggers (models/place_tally.py), so it is only ever wrong
after a write that bypassed them: a data-only restore with triggers disabled
(`pg_restore --disable-triggers`, `session_replication_role = replica`), or a hand edit of
the tally. Like an index, it is derived data: a recount changes no nomination, and the audit
records that it was done and how many counts it corrected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text

from models.place_tally import difference_sql, recount_sql
from models.uow import UnitOfWork
from workflow.actors import SYSTEM
from workflow.audit import AuditEntry, append


@dataclass(frozen=True)
class TallyDifference:
    """One tally key whose count differs from what the nominations give."""

    campaign_code: str | None  # None: the campaign is gone (the tally row outlived it)
    unit_code: str | None
    campaign_id: int
    unit_id: int
    rank: str
    category: str
    official_level: str  # '' for a nominee who is no official
    standing: str  # draft, open, awarded or ended
    held: int  # what the tally holds
    counted: int  # what the nominations give


def tally_differences(uow: UnitOfWork) -> list[TallyDifference]:
    """Every count the tally holds wrongly, read in one statement (one snapshot)."""
    return _differences(uow)


def recount_places(uow: UnitOfWork, now: datetime) -> list[TallyDifference]:
    """Rewrite the tally from the nominations, in one transaction that holds every writer of
    nominations back meanwhile; the counts it corrected (none: nothing is written)."""
    if uow.dialect == "postgresql":
        # Readers go on; a writer of nominations waits (and one already writing is waited
        # for), so no trigger moves the tally between the count and the rewrite.
        uow.session.execute(text("LOCK TABLE nominations IN SHARE MODE"))
    # On SQLite the unit of work began with the write lock (BEGIN IMMEDIATE).
    differences = _differences(uow)
    if differences:
        for statement in recount_sql(uow.dialect):
            uow.session.execute(text(statement))
        payload = {"corrected": len(differences)}
        append(uow, now, AuditEntry.by(SYSTEM, "place_tally_recounted", payload=payload))
    uow.commit()
    return differences


def _differences(uow: UnitOfWork) -> list[TallyDifference]:
    rows = uow.session.execute(text(difference_sql(uow.dialect))).all()
    return [_difference(*row) for row in rows]


def _difference(
    campaign_code: str | None,
    unit_code: str | None,
    campaign_id: int,
    unit_id: int,
    rank: str,
    category: str,
    level: str,
    standing: str,
    held: Any,  # a sum: Decimal on PostgreSQL, int on SQLite
    counted: Any,
) -> TallyDifference:
    return TallyDifference(
        campaign_code, unit_code, campaign_id, unit_id, rank, category, level, standing,
        int(held), int(counted),
    )  # fmt: skip
