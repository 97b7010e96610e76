"""The audit log as people read it: one timeline per nomination, and audit lists.

A reviewer who must stand aside from a nomination reads none of its events: asking for
them is refused and audited once; lists leave them out.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from config.catalogue import DEFAULT
from config.message_json import REASON_KEY, message_from_json
from models import AuditEvent, Nomination
from models.uow import UnitOfWork
from workflow.access import nomination_filter, not_recused_filter
from workflow.access.reads import readable_nomination
from workflow.actors import Actor
from workflow.queries.paging import Paged, page


def timeline(uow: UnitOfWork, nomination_id: int) -> list[AuditEvent]:
    """A nomination's audit events, oldest first (for a nomination already checked)."""
    return list(
        uow.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.nomination_id == nomination_id)
            .order_by(AuditEvent.id)
        )
    )


def list_audit(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    nomination_id: int | None = None,
    campaign_id: int | None = None,
    newest_first: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> Paged[AuditEvent]:
    """Audit events (oldest first unless `newest_first`); all for admins, else those of the
    nominations the actor may see and need not stand aside from."""
    # By id: global and monotonic, where seq restarts in every lane (models/audit.py).
    order = AuditEvent.id.desc() if newest_first else AuditEvent.id
    query = select(AuditEvent).order_by(order)
    if nomination_id is not None:
        readable_nomination(uow, actor, nomination_id, "view_audit", now)
        query = query.where(AuditEvent.nomination_id == nomination_id)
    elif not actor.is_privileged:
        visible = select(Nomination.id).where(
            nomination_filter(uow, actor), not_recused_filter(actor)
        )
        query = query.where(AuditEvent.nomination_id.in_(visible))
    if campaign_id is not None:
        query = query.where(AuditEvent.campaign_id == campaign_id)
    return page(uow, query, limit, offset)


def reason_text(event: AuditEvent, locale: str = DEFAULT) -> str | None:
    """An event's reason in a locale: rebuilt from its payload's code and figures when the
    engine wrote it (`config.message_json.REASON_KEY`), else the reason as it was written."""
    stored = (event.payload or {}).get(REASON_KEY)
    if isinstance(stored, dict) and "code" in stored:
        return message_from_json(stored).render(locale)
    return event.reason
