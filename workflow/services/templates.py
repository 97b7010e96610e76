"""Administrators' own wording of a message for one campaign: validated before it is stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from config.catalogue import msg
from models import TemplateOverride
from models.uow import UnitOfWork
from notifications.render import KINDS, LOCALES, TemplateSource, validate_override
from workflow import audit
from workflow.actors import Actor, require_role
from workflow.errors import InvalidState
from workflow.repository import commit
from workflow.services.campaigns import get_campaign


def set_override(
    uow: UnitOfWork,
    campaign_id: int,
    kind: str,
    locale: str,
    source: TemplateSource,
    actor: Actor,
    now: datetime,
) -> TemplateOverride:
    """Store (or replace) a campaign's template for one kind and language, once it renders."""
    require_role(actor, "admin")
    if kind not in KINDS:
        raise InvalidState(msg("error.unknown_message_kind", kind=kind, kinds=list(KINDS)))
    if locale not in LOCALES:
        raise InvalidState(msg("error.unknown_locale", locale=locale, locales=list(LOCALES)))
    get_campaign(uow, campaign_id)
    validate_override(kind, source, locale)  # raises TemplateProblem naming part and line
    row = _find(uow, campaign_id, kind, locale) or TemplateOverride(
        campaign_id=campaign_id, kind=kind, locale=locale
    )
    row.subject, row.text_body, row.html_body = source.subject, source.text, source.html
    row.updated_by, row.updated_at = actor.label, now
    uow.session.add(row)
    _audit(uow, campaign_id, actor, now, "set_template", f"{kind} ({locale})")
    commit(uow)
    return row


def remove_override(
    uow: UnitOfWork, campaign_id: int, kind: str, locale: str, actor: Actor, now: datetime
) -> bool:
    """Go back to the shipped template; False if there was no override."""
    require_role(actor, "admin")
    row = _find(uow, campaign_id, kind, locale)
    if row is None:
        return False
    uow.session.delete(row)
    _audit(uow, campaign_id, actor, now, "remove_template", f"{kind} ({locale})")
    commit(uow)
    return True


def list_overrides(uow: UnitOfWork, campaign_id: int) -> list[TemplateOverride]:
    query = select(TemplateOverride).where(TemplateOverride.campaign_id == campaign_id)
    return list(uow.session.scalars(query.order_by(TemplateOverride.kind)))


def _find(uow: UnitOfWork, campaign_id: int, kind: str, locale: str) -> TemplateOverride | None:
    query = select(TemplateOverride).where(
        TemplateOverride.campaign_id == campaign_id,
        TemplateOverride.kind == kind,
        TemplateOverride.locale == locale,
    )
    return uow.session.scalars(query).first()


def _audit(
    uow: UnitOfWork, campaign_id: int, actor: Actor, now: datetime, trigger: str, reason: str
) -> None:
    entry = audit.AuditEntry.by(actor, trigger=trigger, campaign_id=campaign_id, reason=reason)
    audit.append(uow, now, entry)
