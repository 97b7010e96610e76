"""Who must stand aside: a reviewer of the nominee's own unit, or one who declared a conflict.

The recusal half of the access policy. A recused reviewer may neither act on the nomination
nor read it (detail, timeline, audit, objections, its task); each refused read is written to
the audit once, here, whichever entry point asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, false, select
from sqlalchemy.orm import Session, object_session

from config.catalogue import msg
from models import ConflictDeclaration, Nomination
from models.uow import UnitOfWork
from workflow import audit
from workflow.access.visibility import REVIEWER_ROLES
from workflow.actors import Actor
from workflow.errors import Recused
from workflow.repository import commit


def check_recusal(actor: Actor, nomination: Nomination, declared: bool | None = None) -> None:
    """A reviewer from the nominee's own unit, or who declared a conflict, must stand aside.

    `declared`: whether the actor declared a conflict with this nomination, when the caller
    already knows (a list looks them up at once with `declared_conflicts`); None looks it up.
    """
    unit = nomination.unit
    if actor.role in REVIEWER_ROLES and actor.unit_code and actor.unit_code == unit.code:
        raise Recused(msg("error.recused_own_unit", name=actor.name))
    if declared is None:
        declared = actor.user_id is not None and has_declared_conflict(actor.user_id, nomination)
    if declared:
        raise Recused(msg("error.recused_conflict", name=actor.name))


def stands_aside(actor: Actor, unit_code: str, declared: bool) -> bool:
    """`is_recused` for a list's row read as columns: the nominee's unit code, and whether the
    actor declared a conflict with the nomination (`declared_conflict_flag` in the query)."""
    if actor.role not in REVIEWER_ROLES:
        return False
    return bool(actor.unit_code and actor.unit_code == unit_code) or declared


def declared_conflict_flag(actor: Actor, nomination_id: ColumnElement[int]) -> ColumnElement[bool]:
    """Whether the actor declared a conflict with the row's nomination, as a column of the
    list's own query (no lookup per row, nor one more statement)."""
    if actor.user_id is None:
        return false()
    return exists().where(
        ConflictDeclaration.user_id == actor.user_id,
        ConflictDeclaration.nomination_id == nomination_id,
    )


def is_recused(actor: Actor, nomination: Nomination, declared: bool | None = None) -> bool:
    """Whether a reviewer must stand aside from this nomination (no one else ever must)."""
    if actor.role not in REVIEWER_ROLES:
        return False
    try:
        check_recusal(actor, nomination, declared)
    except Recused:
        return True
    return False


def refuse_recused_read(
    uow: UnitOfWork, actor: Actor, nomination: Nomination, what: str, now: datetime
) -> None:
    """Refuse (Recused) a recused reviewer's read of the nomination, audited once and kept.

    `what` names the read in the audit (`recusal:view`, `recusal:view_timeline`, ...).
    """
    if actor.role not in REVIEWER_ROLES:
        return
    try:
        check_recusal(actor, nomination)
    except Recused as recused:
        keep_refused_read(uow, actor, nomination, f"recusal:{what}", now, str(recused))
        raise


def keep_refused_read(
    uow: UnitOfWork,
    actor: Actor,
    nomination: Nomination,
    trigger: str,
    now: datetime,
    reason: str | None = None,
) -> None:
    """Audit a refused read of a nomination and commit it: the refusal is kept, nothing else
    was changed (a recusal, or a row the reader may not see)."""
    keep_read_event(uow, actor, nomination, trigger, now, reason=reason)


def keep_read_event(
    uow: UnitOfWork,
    actor: Actor,
    nomination: Nomination,
    trigger: str,
    now: datetime,
    *,
    reason: str | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    """Audit a read of a nomination that must be kept (refused, or a full identity number
    shown) and commit it. A read request writes it in a write transaction of its own
    (`uow.writing()`), never by upgrading its read."""
    with uow.writing():
        audit.append(
            uow,
            now,
            audit.AuditEntry.by(
                actor,
                trigger=trigger,
                campaign_id=nomination.campaign_id,
                nomination_id=nomination.id,
                from_state=nomination.status,
                to_state=nomination.status,
                reason=reason,
                payload=payload,
            ),
        )
        commit(uow)


def declared_conflicts(
    session: Session, user_id: int | None, nomination_ids: Iterable[int]
) -> frozenset[int]:
    """Which of these nominations the user declared a conflict with, in one query."""
    ids = set(nomination_ids)
    if user_id is None or not ids:
        return frozenset()
    return frozenset(
        session.scalars(
            select(ConflictDeclaration.nomination_id).where(
                ConflictDeclaration.user_id == user_id,
                ConflictDeclaration.nomination_id.in_(ids),
            )
        )
    )


def has_declared_conflict(user_id: int, nomination: Nomination) -> bool:
    """Whether the user declared a conflict of interest with this nomination."""
    session = object_session(nomination)
    if session is None:  # a detached row cannot be checked; services always pass attached ones
        return False
    found = session.scalar(
        select(ConflictDeclaration.id).where(
            ConflictDeclaration.user_id == user_id,
            ConflictDeclaration.nomination_id == nomination.id,
        )
    )
    return found is not None
