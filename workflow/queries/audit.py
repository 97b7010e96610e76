"""The audit log as people read it: one timeline per nomination, and audit lists.

A reviewer who must stand aside from a nomination reads none of its events: asking for
them is refused and audited once; lists leave them out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select

from config.catalogue import DEFAULT, Label, msg, render
from models import AuditEvent, Nomination
from models.uow import UnitOfWork
from workflow.access import nomination_filter, not_recused_filter
from workflow.access.reads import readable_nomination
from workflow.actors import ROLES, Actor
from workflow.queries.paging import Paged, page


def timeline(uow: UnitOfWork, nomination_id: int) -> list[AuditEvent]:
    """A nomination's audit events, oldest first (for a nomination already checked)."""
    return list(
        uow.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.nomination_id == nomination_id)
            .order_by(AuditEvent.seq)
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
    order = AuditEvent.seq.desc() if newest_first else AuditEvent.seq
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


# How `Actor.label` writes an actor into the stored audit: `王伟 (department_reviewer@jjjc)`.
_STORED_LABEL = re.compile(r"^(?P<name>.+) \((?P<role>[a-z_]+)(?:@(?P<where>[^()]+))?\)$")


def actor_label(stored: str, locale: str = DEFAULT, places: Mapping[str, str] | None = None) -> str:
    """An audit event's actor as a person reads it: the role by its label, the department or
    unit by its name when `places` (code -> name) knows it: `王伟（部门审核员，纪检监察）`.

    The stored text stays as it was written (the audit is never rewritten); a label that is
    not in the stored form is shown as it is.
    """
    found = _STORED_LABEL.match(stored)
    if found is None or found["role"] not in ROLES:
        return stored
    role = Label("role", found["role"])
    where = found["where"]
    if where is None:
        return render(msg("actor.label", name=found["name"], role=role), locale)
    place = (places or {}).get(where, where)
    return render(msg("actor.label_at", name=found["name"], role=role, where=place), locale)
