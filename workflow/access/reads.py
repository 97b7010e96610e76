"""A person's read of one row of a nomination: the door every detail, timeline, audit,
objections and task read goes through.

Not visible is NotFound, worded alike whether the row exists or not, so ids do not leak; but
when the row does exist, the refused read is written to the audit once, here
(`denied_read:<what>`, the actor's account, no figure of the row in the reason). A recused
reviewer is refused (Recused) and audited by `recusal.refuse_recused_read`. An id no row has
writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from models import Nomination, ReviewTask
from models.uow import UnitOfWork
from workflow.access.recusal import keep_refused_read, refuse_recused_read
from workflow.access.visibility import MAX_ID, visible_nomination, visible_task
from workflow.actors import Actor
from workflow.errors import NotFound

DENIED_READ = "denied_read"
Row = TypeVar("Row", Nomination, ReviewTask)


def readable_nomination(
    uow: UnitOfWork, actor: Actor, nomination_id: int, what: str, now: datetime
) -> Nomination:
    """The nomination for a read: NotFound if not visible (audited when it exists),
    Recused (audited) if the actor must stand aside."""
    try:
        nomination = visible_nomination(uow, actor, nomination_id)
    except NotFound:
        _audit_denied(uow, actor, _existing(uow, Nomination, nomination_id), what, now)
        raise
    refuse_recused_read(uow, actor, nomination, what, now)
    return nomination


def readable_task(
    uow: UnitOfWork, actor: Actor, task_id: int, what: str, now: datetime
) -> tuple[ReviewTask, Nomination]:
    """A task and its nomination for a read, refused as `readable_nomination` refuses."""
    try:
        task = visible_task(uow, actor, task_id)
    except NotFound:
        hidden = _existing(uow, ReviewTask, task_id)
        found = None if hidden is None else uow.session.get(Nomination, hidden.nomination_id)
        _audit_denied(uow, actor, found, what, now)
        raise
    nomination = uow.session.get_one(Nomination, task.nomination_id)
    refuse_recused_read(uow, actor, nomination, what, now)
    return task, nomination


def _existing(uow: UnitOfWork, model: type[Row], ident: int) -> Row | None:
    if not -MAX_ID <= ident <= MAX_ID:
        return None
    return uow.session.get(model, ident)


def _audit_denied(
    uow: UnitOfWork, actor: Actor, nomination: Nomination | None, what: str, now: datetime
) -> None:
    """One audit event for a refused read of a row that exists; nothing for one that does not."""
    if nomination is not None:
        keep_refused_read(uow, actor, nomination, f"{DENIED_READ}:{what}", now)
