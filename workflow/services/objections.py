"""Objections during the public notice, and the investigations they open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from config.catalogue import Label, Listing, Message, msg
from models import Deadline, Nomination, Objection
from models.reviews import OBJECTION_DISMISSED, OBJECTION_OPEN, OBJECTION_UPHELD
from models.uow import UnitOfWork
from notifications.outbox import queue_message
from workflow import audit, messages
from workflow.actors import Actor
from workflow.definition import StageKind
from workflow.errors import InvalidState
from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.lifecycles import objection as objection_lifecycle
from workflow.messages import unit_recipient
from workflow.repository import commit, get, lock_nomination
from workflow.services.definitions import definition_of
from workflow.services.nominations import ensure_unit_clerk_of
from workflow.services.transitions import apply
from workflow.stages import public_notice

SOURCES = ("phone", "letter", "web")


@dataclass(frozen=True)
class ObjectionInput:
    source: str
    content: str
    received_on: date
    reporter_name: str | None = None
    contact: str | None = None
    unit_stamp: str | None = None

    def problems(self) -> list[Message]:
        """What makes this objection unacceptable (anonymous ones without leads are refused)."""
        found = []
        if self.source not in SOURCES:
            sources = Listing(tuple(msg(f"page.source_{s}") for s in SOURCES), "or")
            found.append(msg("objection_problem.source", sources=sources))
        if not self.content.strip():
            found.append(msg("objection_problem.content"))
        if not self.unit_stamp and not (self.reporter_name and self.contact):
            found.append(msg("objection_problem.identity"))
        return found


def record_objection(
    uow: UnitOfWork, nomination_id: int, data: ObjectionInput, actor: Actor, now: datetime
) -> Objection:
    """Record an objection to a nominee under notice and open the unit's investigation."""
    problems = data.problems()
    if problems:
        raise InvalidState(
            msg("error.objection_refused", problems=Listing(tuple(problems), "semicolon"))
        )
    nomination = lock_nomination(uow, nomination_id)
    stage = definition_of(nomination.definition).stage_of_state(nomination.status)
    if stage is None or stage.kind is not StageKind.PUBLIC_NOTICE:
        raise InvalidState(
            msg(
                "error.not_under_notice",
                name=nomination.name,
                state=Label("state", nomination.status),
            )
        )
    objection = Objection(
        nomination_id=nomination.id,
        source=data.source,
        reporter_name=data.reporter_name,
        contact=data.contact,
        unit_stamp=data.unit_stamp,
        received_on=data.received_on,
        content=data.content,
        created_at=now,
    )
    uow.session.add(objection)
    uow.session.flush()
    due = public_notice.open_investigation(uow, nomination, stage, objection.id, now)
    objection.answer_due_at = due
    queue_message(
        uow,
        key=f"objection_received:{objection.id}",
        kind="objection_received",
        recipient=nomination.unit.email or nomination.campaign.admin_email,
        now=now,
        context=messages.objection_received(nomination, objection, due),
        campaign_id=nomination.campaign_id,
        nomination_id=nomination.id,
    )
    _audit(uow, objection, nomination.campaign_id, actor, now, "record_objection", data.source)
    commit(uow)
    return objection


def resolve_objection(
    uow: UnitOfWork, objection_id: int, upheld: bool, finding: str, actor: Actor, now: datetime
) -> Objection:
    """The unit's signed finding: upheld removes the nominee, dismissed lets the notice go on."""
    objection = get(uow, Objection, objection_id, "objection")
    nomination = lock_nomination(uow, objection.nomination_id)
    # Read it again under the lock: a finding recorded while we waited must not be overwritten.
    uow.session.refresh(objection)
    ensure_unit_clerk_of(actor, nomination)
    if objection.status != OBJECTION_OPEN:
        raise InvalidState(msg("error.objection_resolved", id=objection.id))
    if not finding.strip():
        raise InvalidState(msg("error.finding_required"))
    objection_lifecycle.resolve(
        uow,
        objection,
        OBJECTION_UPHELD if upheld else OBJECTION_DISMISSED,
        finding=finding,
        campaign_id=nomination.campaign_id,
        actor=actor,
        now=now,
    )
    deadline_lifecycle.cancel_pending(uow, Deadline.objection_id == objection.id)
    _notify_outcome(uow, objection, nomination, now)
    if upheld:
        reason = msg("audit.objection_upheld", objection=objection.id, finding=finding)
        apply(uow, nomination, "uphold_objection", actor, now, reason=reason, internal=True)
    else:
        why = msg("audit.objection_dismissed", objection=objection.id)
        public_notice.close_notice_if_over(uow, nomination, now, why, apply)
    commit(uow)
    return objection


def _notify_outcome(
    uow: UnitOfWork, objection: Objection, nomination: Nomination, now: datetime
) -> None:
    """Tell the unit (and so the office) how the investigation ended."""
    queue_message(
        uow,
        key=f"objection_outcome:{objection.id}",
        kind="objection_outcome",
        recipient=unit_recipient(nomination),
        now=now,
        context=messages.objection_outcome(nomination, objection),
        campaign_id=nomination.campaign_id,
        nomination_id=nomination.id,
    )


def _audit(
    uow: UnitOfWork,
    objection: Objection,
    campaign_id: int,
    actor: Actor,
    now: datetime,
    trigger: str,
    reason: str | None,
) -> None:
    audit.append(
        uow,
        now,
        audit.AuditEntry.by(
            actor,
            trigger=trigger,
            campaign_id=campaign_id,
            nomination_id=objection.nomination_id,
            reason=reason,
            payload={"objection_id": objection.id},
        ),
    )
