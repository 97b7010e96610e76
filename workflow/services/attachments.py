"""Adding attachments and reading them back: checked by content, kept by SHA-256, audited.

A file is checked (PDF, JPEG or PNG by its first bytes, within the size limit) before
anything is written; its content goes to the store under its SHA-256 and its row and an
`attachment_added` audit event (with the SHA-256) are written in the use case's transaction.
Content stored by a use case that then fails stays in the store unreferenced: it is
addressed by its hash, so it is harmless and reused if the same file comes again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from config.catalogue import msg
from models import Attachment, Nomination, Objection
from models.attachments import OWNER_ANSWER, OWNER_NOMINATION, OWNER_OBJECTION
from models.reviews import OBJECTION_OPEN
from models.uow import UnitOfWork
from workflow import audit
from workflow.access import check_recusal, readable_nomination, visible_nomination
from workflow.access.attachments import may_read, require_may_attach
from workflow.access.objections import is_objection_team
from workflow.access.visibility import visible_objection
from workflow.actors import Actor
from workflow.attachments.content import Checked, Upload, check
from workflow.attachments.store import AttachmentStore
from workflow.errors import InvalidState
from workflow.repository import commit, not_found


@dataclass(frozen=True)
class Files:
    """Files a use case receives: where they are kept, and the limit each must keep to."""

    store: AttachmentStore
    uploads: tuple[Upload, ...] = ()
    limit: int = 10 * 1024 * 1024

    def checked(self) -> list[Checked]:
        """Every file checked before anything is written: one bad file refuses them all."""
        return [check(u, self.limit) for u in self.uploads]


def keep(
    uow: UnitOfWork,
    store: AttachmentStore,
    files: Sequence[Checked],
    *,
    owner: str,
    nomination: Nomination,
    objection: Objection | None,
    actor: Actor,
    now: datetime,
) -> list[Attachment]:
    """Store checked files and write their rows and audit events (the caller commits)."""
    rows = []
    for file in files:
        store.put(file.sha256, file.content)
        row = Attachment(
            owner=owner,
            nomination_id=nomination.id,
            objection_id=objection.id if objection else None,
            filename=file.filename,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            uploaded_at=now,
            uploaded_by_user_id=actor.user_id,
            uploaded_by=actor.name,
        )
        uow.session.add(row)
        uow.session.flush()
        _audit(uow, row, nomination.campaign_id, actor, now)
        rows.append(row)
    return rows


def attach_to_nomination(
    uow: UnitOfWork, actor: Actor, nomination_id: int, files: Files, now: datetime
) -> list[Attachment]:
    """Add files to a nomination's material: its unit, the working team, admins."""
    checked = files.checked()
    nomination = visible_nomination(uow, actor, nomination_id)
    check_recusal(actor, nomination)
    require_may_attach(actor, nomination, OWNER_NOMINATION)
    rows = keep(
        uow, files.store, checked, owner=OWNER_NOMINATION, nomination=nomination,
        objection=None, actor=actor, now=now,
    )  # fmt: skip
    commit(uow)
    return rows


def attach_to_objection(
    uow: UnitOfWork, actor: Actor, objection_id: int, files: Files, now: datetime
) -> list[Attachment]:
    """The team adds to the objection as received; the unit adds to its answer while open."""
    checked = files.checked()
    objection = visible_objection(uow, actor, objection_id)
    nomination = visible_nomination(uow, actor, objection.nomination_id)
    check_recusal(actor, nomination)
    team = is_objection_team(actor, nomination) and actor.role != "unit_clerk"
    owner = OWNER_OBJECTION if team else OWNER_ANSWER
    require_may_attach(actor, nomination, owner)
    if owner == OWNER_ANSWER and objection.status != OBJECTION_OPEN:
        raise InvalidState(msg("error.objection_answered_already", id=objection.id))
    rows = keep(
        uow, files.store, checked, owner=owner, nomination=nomination, objection=objection,
        actor=actor, now=now,
    )  # fmt: skip
    commit(uow)
    return rows


def open_attachment(
    uow: UnitOfWork, store: AttachmentStore, actor: Actor, attachment_id: int, now: datetime
) -> tuple[Attachment, BinaryIO]:
    """An attachment and its content for a reader; NotFound for what they may not read."""
    row = uow.session.get(Attachment, attachment_id) if abs(attachment_id) < 2**63 else None
    if row is None:
        raise not_found("attachment", attachment_id)
    readable_nomination(uow, actor, row.nomination_id, "attachments", now)
    if not may_read(actor, row.owner):
        raise not_found("attachment", attachment_id)
    return row, store.open(row.sha256)


def _audit(uow: UnitOfWork, row: Attachment, campaign_id: int, actor: Actor, now: datetime) -> None:
    # No file name in the audit: an objector's letter may be named after its writer.
    payload = {
        "attachment_id": row.id,
        "owner": row.owner,
        "objection_id": row.objection_id,
        "sha256": row.sha256,
        "size": row.size,
        "content_type": row.content_type,
    }
    audit.append(
        uow,
        now,
        audit.AuditEntry.by(
            actor,
            trigger="attachment_added",
            campaign_id=campaign_id,
            nomination_id=row.nomination_id,
            payload=payload,
        ),
    )
