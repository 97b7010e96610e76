"""Objections during the public notice, and the investigations they open.

Recorded (the public notice's form, or the working team for what came by phone, letter,
visit or web), answered by the recommending unit with its findings and report, decided by
the working team with its reason: upheld removes the nominee, dismissed lets the notice go
on. The unit never decides about its own nominee; the team never answers for the unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from config.catalogue import Label, Listing, Message, msg
from config.message_json import reason_fields
from models import Deadline, Nomination, Objection
from models.attachments import OWNER_ANSWER, OWNER_OBJECTION
from models.reviews import (
    OBJECTION_ANSWERED,
    OBJECTION_DISMISSED,
    OBJECTION_OPEN,
    OBJECTION_UPHELD,
)
from models.uow import UnitOfWork
from notifications.outbox import queue_message
from workflow import audit, messages
from workflow.access import ensure_visible, visible_objection
from workflow.access.objections import require_answering_unit, require_objection_team
from workflow.actors import Actor
from workflow.definition import StageKind
from workflow.errors import InvalidState
from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.lifecycles import objection as objection_lifecycle
from workflow.messages import unit_recipient
from workflow.objection_reference import new_reference
from workflow.repository import commit, lock_nomination
from workflow.services.attachments import Files, keep
from workflow.services.definitions import definition_of
from workflow.services.transitions import apply
from workflow.stages import public_notice

SOURCES = ("phone", "letter", "visit", "web")


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
    uow: UnitOfWork,
    nomination_id: int,
    data: ObjectionInput,
    actor: Actor,
    now: datetime,
    files: Files | None = None,
) -> Objection:
    """Record an objection to a nominee under notice and open the unit's investigation.

    Who may record is the caller's to decide: the public notice's form, or `record_for_team`.
    """
    problems = data.problems()
    if problems:
        raise InvalidState(
            msg("error.objection_refused", problems=Listing(tuple(problems), "semicolon"))
        )
    checked = files.checked() if files else []
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
        reference=new_reference(uow, now),
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
    # The source by its label, not its code: the timeline shows the reason to people.
    how = msg("audit.objection_recorded", source=msg(f"page.source_{data.source}"))
    _audit(uow, objection, nomination.campaign_id, actor, now, "record_objection", how)
    if files:
        keep(
            uow, files.store, checked, owner=OWNER_OBJECTION, nomination=nomination,
            objection=objection, actor=actor, now=now,
        )  # fmt: skip
    commit(uow)
    return objection


def record_for_team(
    uow: UnitOfWork,
    actor: Actor,
    nomination_id: int,
    data: ObjectionInput,
    now: datetime,
    files: Files | None = None,
) -> Objection:
    """The working team records an objection received by phone, letter, visit or web."""
    ensure_visible(uow, actor, nomination_id)
    require_objection_team(actor, uow.session.get_one(Nomination, nomination_id))
    return record_objection(uow, nomination_id, data, actor, now, files)


def answer_objection(
    uow: UnitOfWork,
    objection_id: int,
    findings: str,
    actor: Actor,
    now: datetime,
    files: Files | None = None,
) -> Objection:
    """The unit's answer: its findings (and its report); the working team then decides."""
    if not findings.strip():
        raise InvalidState(msg("error.finding_required"))
    checked = files.checked() if files else []
    objection, nomination = _locked(uow, actor, objection_id)
    require_answering_unit(actor, nomination)
    if objection.status != OBJECTION_OPEN:
        raise InvalidState(msg("error.objection_answered_already", id=objection.id))
    objection_lifecycle.answer(
        uow, objection, findings, campaign_id=nomination.campaign_id, actor=actor, now=now
    )
    deadline_lifecycle.cancel_pending(uow, Deadline.objection_id == objection.id)
    definition = definition_of(nomination.definition)
    queue_message(
        uow,
        key=f"objection_answered:{objection.id}",
        kind="objection_answered",
        recipient=messages.team_recipient(nomination, definition),
        now=now,
        context=messages.objection_answered(nomination, objection),
        campaign_id=nomination.campaign_id,
        nomination_id=nomination.id,
    )
    if files:
        keep(
            uow, files.store, checked, owner=OWNER_ANSWER, nomination=nomination,
            objection=objection, actor=actor, now=now,
        )  # fmt: skip
    commit(uow)
    return objection


def decide_objection(
    uow: UnitOfWork, objection_id: int, outcome: str, reason: str, actor: Actor, now: datetime
) -> Objection:
    """The working team decides an answered objection: upheld removes the nominee, dismissed
    lets the notice go on (and end, when its days are over and nothing else is open)."""
    if outcome not in (OBJECTION_UPHELD, OBJECTION_DISMISSED):
        raise InvalidState(msg("error.objection_outcome", outcome=outcome))
    if not reason.strip():
        raise InvalidState(msg("error.decision_reason_required"))
    objection, nomination = _locked(uow, actor, objection_id)
    require_objection_team(actor, nomination)
    if objection.status != OBJECTION_ANSWERED:
        status = Label("objection", objection.status)
        raise InvalidState(msg("error.objection_not_answered", id=objection.id, status=status))
    objection_lifecycle.decide(
        uow, objection, outcome, reason=reason, campaign_id=nomination.campaign_id,
        actor=actor, now=now,
    )  # fmt: skip
    _notify_outcome(uow, objection, nomination, now)
    if outcome == OBJECTION_UPHELD:
        why = msg("audit.objection_upheld", objection=objection.id, finding=reason)
        payload = {"objection_id": objection.id}
        apply(uow, nomination, "uphold_objection", actor, now, reason=why, payload=payload)
    else:
        why = msg("audit.objection_dismissed", objection=objection.id)
        public_notice.close_notice_if_over(uow, nomination, now, why, apply)
    commit(uow)
    return objection


def _locked(uow: UnitOfWork, actor: Actor, objection_id: int) -> tuple[Objection, Nomination]:
    """An objection the actor may see, and its nomination locked; the objection read again
    under the lock, so that an answer or decision recorded while we waited is not overwritten."""
    objection = visible_objection(uow, actor, objection_id)
    nomination = lock_nomination(uow, objection.nomination_id)
    uow.session.refresh(objection)
    return objection, nomination


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
    why: Message,
) -> None:
    reason, payload = reason_fields(why, {"objection_id": objection.id})
    audit.append(
        uow,
        now,
        audit.AuditEntry.by(
            actor,
            trigger=trigger,
            campaign_id=campaign_id,
            nomination_id=objection.nomination_id,
            reason=reason,
            payload=payload,
        ),
    )
