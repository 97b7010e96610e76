"""Objections as people read them: who raised one is masked as the access policy says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from models import Campaign, DefinitionVersion, Nomination, Objection
from models.reviews import OBJECTION_ANSWERED, OBJECTION_OPEN
from models.uow import UnitOfWork
from workflow.access import (
    nomination_filter,
    not_recused_filter,
    require_role,
    require_unit_clerk,
    sees_reporter,
    shown_reporter,
    visible_objection,
)
from workflow.access.objections import is_objection_team
from workflow.access.reads import readable_nomination
from workflow.actors import Actor
from workflow.definition import StageKind
from workflow.lifecycles.objection import UNDECIDED
from workflow.queries import attachments as attachment_reads
from workflow.queries.attachments import AttachmentView
from workflow.services.definitions import definition_of


@dataclass(frozen=True)
class ObjectionView:
    """An objection; `reporter_name` and `contact` already masked for this viewer."""

    id: int
    nomination_id: int
    source: str
    reporter_name: str | None
    contact: str | None
    unit_stamp: str | None
    received_on: date
    content: str
    status: str
    finding: str | None
    answer_due_at: datetime | None
    resolved_at: datetime | None
    answer: str | None = None
    answered_at: datetime | None = None
    answered_by: str | None = None
    decision_reason: str | None = None
    decided_by: str | None = None
    # The number the objector was given: shown where the objector is (it leads to them).
    reference: str | None = None

    @property
    def reporter(self) -> str:
        """Who raised it, as one line: the person, or the stamping unit of a unit's letter."""
        return self.reporter_name or self.unit_stamp or ""


def objection_view(o: Objection, actor: Actor) -> ObjectionView:
    """An objection as this viewer may read it: the objector only for admins and the team."""
    name, contact = shown_reporter(actor, o.reporter_name, o.contact)
    return ObjectionView(
        id=o.id,
        nomination_id=o.nomination_id,
        source=o.source,
        reporter_name=name,
        contact=contact,
        unit_stamp=o.unit_stamp,
        received_on=o.received_on,
        content=o.content,
        status=o.status,
        finding=o.finding,
        answer_due_at=o.answer_due_at,
        resolved_at=o.resolved_at,
        answer=o.answer,
        answered_at=o.answered_at,
        answered_by=o.answered_by,
        decision_reason=o.decision_reason,
        decided_by=o.decided_by,
        reference=o.reference if sees_reporter(actor) else None,
    )


def of_nomination(uow: UnitOfWork, actor: Actor, nomination: Nomination) -> list[ObjectionView]:
    """The objections to a nomination already checked for this viewer, oldest first."""
    rows = uow.session.scalars(
        select(Objection).where(Objection.nomination_id == nomination.id).order_by(Objection.id)
    )
    return [objection_view(o, actor) for o in rows]


def objections_of(
    uow: UnitOfWork, actor: Actor, nomination_id: int, now: datetime
) -> list[ObjectionView]:
    """The objections to a nomination: NotFound if not visible, Recused (audited) if recused."""
    nomination = readable_nomination(uow, actor, nomination_id, "view_objections", now)
    return of_nomination(uow, actor, nomination)


@dataclass(frozen=True)
class Investigation:
    """One objection as the working team follows it: nominee, unit, deadline, overdue."""

    objection: ObjectionView
    nomination_id: int
    nominee: str
    unit: str
    campaign: str
    overdue: bool


def investigations(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    status: str | None = None,
    campaign: str | None = None,
) -> list[Investigation]:
    """The objections the working team follows, soonest answer due first (undecided ones
    unless `status` names one); an unanswered one past its due time is overdue."""
    require_role(actor, "team_reviewer")
    statuses = (status,) if status else UNDECIDED
    query = (
        select(Objection, Nomination)
        .join(Nomination, Nomination.id == Objection.nomination_id)
        .join(Campaign, Campaign.id == Nomination.campaign_id)
        .where(
            Objection.status.in_(statuses),
            nomination_filter(uow, actor),
            not_recused_filter(actor),
        )
        .order_by(Objection.answer_due_at, Objection.id)
    )
    if campaign:
        query = query.where(Campaign.code == campaign)
    return [_investigation(o, n, actor, now) for o, n in uow.session.execute(query).unique()]


def _investigation(o: Objection, n: Nomination, actor: Actor, now: datetime) -> Investigation:
    late = o.status == OBJECTION_OPEN and o.answer_due_at is not None and o.answer_due_at < now
    view = objection_view(o, actor)
    return Investigation(view, n.id, n.name, n.unit.name, n.campaign.code, late)


def objection_detail(
    uow: UnitOfWork, actor: Actor, objection_id: int, now: datetime
) -> tuple[ObjectionView, Nomination]:
    """One objection and its nomination for a reader: NotFound if not visible, Recused if so."""
    row = visible_objection(uow, actor, objection_id)
    nomination = readable_nomination(uow, actor, row.nomination_id, "view_objections", now)
    return objection_view(row, actor), nomination


def open_for_unit(uow: UnitOfWork, actor: Actor) -> list[tuple[ObjectionView, Nomination]]:
    """Objections still waiting for the finding of the actor's unit (every unit's for an admin)."""
    require_unit_clerk(actor)
    query = (
        select(Objection, Nomination)
        .join(Nomination, Nomination.id == Objection.nomination_id)
        .where(Objection.status == OBJECTION_OPEN, nomination_filter(uow, actor))
        .order_by(Objection.answer_due_at, Objection.id)
    )
    return [(objection_view(o, actor), n) for o, n in uow.session.execute(query).unique()]


@dataclass(frozen=True)
class ObjectionPage:
    """An objection's page: the objection (masked), its nominee, its readable files, and
    what this reader may do: answer (the unit, while open), decide (the team, once answered),
    add files (the team to the objection, the unit to its answer while open)."""

    objection: ObjectionView
    nomination: Nomination
    files: list[AttachmentView]
    can_answer: bool
    can_decide: bool
    can_attach: bool


def objection_page(
    uow: UnitOfWork, actor: Actor, objection_id: int, now: datetime
) -> ObjectionPage:
    """One objection as its page shows it to this reader (NotFound, Recused as reads are)."""
    view, nomination = objection_detail(uow, actor, objection_id, now)
    files = attachment_reads.of_nomination(uow, actor, nomination, objection_id)
    unit = actor.role == "unit_clerk" and actor.unit_code == nomination.unit.code
    team = is_objection_team(actor, nomination) and actor.role != "unit_clerk"
    answering = view.status == OBJECTION_OPEN and (unit or actor.is_privileged)
    deciding = view.status == OBJECTION_ANSWERED and team
    attaching = team or (unit and view.status == OBJECTION_OPEN)
    return ObjectionPage(view, nomination, files, answering, deciding, attaching)


def notice_nominees(uow: UnitOfWork, actor: Actor) -> list[Nomination]:
    """The nominees under public notice the working team may record an objection against."""
    require_role(actor, "team_reviewer")
    states = {
        stage.id
        for row in uow.session.scalars(select(DefinitionVersion))
        for stage in definition_of(row).stages
        if stage.kind is StageKind.PUBLIC_NOTICE
    }
    query = (
        select(Nomination)
        .where(
            Nomination.status.in_(states), nomination_filter(uow, actor), not_recused_filter(actor)
        )
        .order_by(Nomination.name, Nomination.id)
    )
    return list(uow.session.scalars(query).unique())
