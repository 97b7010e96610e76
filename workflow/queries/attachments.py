"""Attachments as a reader sees them: only those whose owner the access policy lets them read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from models import Attachment, Nomination
from models.attachments import OWNER_NOMINATION
from models.uow import UnitOfWork
from workflow.access import readable_nomination
from workflow.access.attachments import may_attach, may_read
from workflow.actors import Actor


@dataclass(frozen=True)
class AttachmentView:
    """One file: what it is, how large, when and by whom it came."""

    id: int
    owner: str
    objection_id: int | None
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str


@dataclass(frozen=True)
class AttachmentPanel:
    """The files of a nomination a page lists, and where this reader may upload (or None)."""

    items: list[AttachmentView]
    upload_url: str | None


def view(row: Attachment) -> AttachmentView:
    """An attachment row as a reader sees it."""
    return AttachmentView(
        row.id, row.owner, row.objection_id, row.filename, row.content_type, row.size,
        row.sha256, row.uploaded_at, row.uploaded_by,
    )  # fmt: skip


def of_nomination(
    uow: UnitOfWork, actor: Actor, nomination: Nomination, objection_id: int | None = None
) -> list[AttachmentView]:
    """The readable files of a nomination already checked for this reader, oldest first.

    With `objection_id`, only that objection's files (as received, and its answer).
    """
    query = select(Attachment).where(Attachment.nomination_id == nomination.id)
    if objection_id is not None:
        query = query.where(Attachment.objection_id == objection_id)
    rows = uow.session.scalars(query.order_by(Attachment.id))
    return [view(r) for r in rows if may_read(actor, r.owner)]


def attachments_of(
    uow: UnitOfWork, actor: Actor, nomination_id: int, now: datetime
) -> list[AttachmentView]:
    """A nomination's files: NotFound if not visible, Recused (audited) if recused."""
    nomination = readable_nomination(uow, actor, nomination_id, "attachments", now)
    return of_nomination(uow, actor, nomination)


def panel(uow: UnitOfWork, actor: Actor, nomination: Nomination) -> AttachmentPanel:
    """A nomination page's files (checked for this reader) and its upload form's target."""
    allowed = may_attach(actor, nomination, OWNER_NOMINATION)
    url = f"/nominations/{nomination.id}/attachments" if allowed else None
    return AttachmentPanel(of_nomination(uow, actor, nomination), url)
