"""Who may see what, as query filters: default deny, and what is not visible does not exist.

The visibility half of the access policy (`workflow.access`): every list and lookup, for the
API, the pages and the CLI alike, filters with these clauses; a row outside them is NotFound,
never "forbidden", and the message never names its department or unit.

Every list and lookup for a person goes through these filters, so a department reviewer
sees its department's tasks and the nominations they concern, a unit clerk its unit's
nominations, a team reviewer the nominations in the stages its team handles (and those it
has tasks on), the committee secretary those at the committee and decided, an admin all.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, not_, or_, select, true

from models import (
    ConflictDeclaration,
    DefinitionVersion,
    Nomination,
    Objection,
    RecommendingUnit,
    ReviewTask,
)
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.definition import Definition, StageKind
from workflow.machine import AWARDED, REVOKED
from workflow.repository import not_found
from workflow.services.definitions import definition_of
from workflow.stages.registry import team_states

DECIDED = (AWARDED, "not_approved", REVOKED)
# The largest id a database row can have (INTEGER columns: 4 bytes on PostgreSQL); a larger
# one cannot exist, and the drivers would fail on it (overflow) rather than find nothing.
MAX_ID = 2**31 - 1
REVIEWER_ROLES = frozenset({"team_reviewer", "department_reviewer", "committee_secretary"})


def _committee_states(definition: Definition) -> list[str]:
    committee = [s.id for s in definition.stages if s.kind is StageKind.COMMITTEE_DECISION]
    return [*committee, *DECIDED]


def _by_definition(uow: UnitOfWork, actor: Actor) -> ColumnElement[bool]:
    """Nominations whose state falls in the actor's stages of their own definition version."""
    clauses = []
    for row in uow.session.scalars(select(DefinitionVersion)):
        definition = definition_of(row)
        states = (
            _committee_states(definition)
            if actor.role == "committee_secretary"
            else team_states(definition, actor.role, actor.department)
        )
        if states:
            clauses.append(and_(Nomination.definition_id == row.id, Nomination.status.in_(states)))
    return or_(false(), *clauses)


def task_filter(actor: Actor) -> ColumnElement[bool]:
    """The review tasks the actor may see: its own department's, for its own role."""
    if actor.is_privileged:
        return true()
    if actor.role in ("unit_clerk", "public") or not actor.department:
        return false()
    return and_(ReviewTask.department == actor.department, ReviewTask.role == actor.role)


def nomination_filter(uow: UnitOfWork, actor: Actor) -> ColumnElement[bool]:
    """The nominations the actor may see, as a WHERE clause on Nomination."""
    if actor.is_privileged:
        return true()
    if actor.role == "unit_clerk":
        if not actor.unit_code:
            return false()
        units = select(RecommendingUnit.id).where(RecommendingUnit.code == actor.unit_code)
        return Nomination.unit_id.in_(units)
    if actor.role not in REVIEWER_ROLES:
        return false()
    with_tasks = Nomination.id.in_(select(ReviewTask.nomination_id).where(task_filter(actor)))
    if actor.role == "department_reviewer":
        return with_tasks
    return or_(with_tasks, _by_definition(uow, actor))


def not_recused_filter(actor: Actor) -> ColumnElement[bool]:
    """Nominations the actor need not stand aside from, as a WHERE clause (lists use it).

    A reviewer of the nominee's own unit, or one who declared a conflict, gets no row of it
    in a list: neither the name nor the employer.
    """
    if actor.role not in REVIEWER_ROLES:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if actor.unit_code:
        own = select(RecommendingUnit.id).where(RecommendingUnit.code == actor.unit_code)
        clauses.append(Nomination.unit_id.in_(own))
    if actor.user_id is not None:
        declared = select(ConflictDeclaration.nomination_id).where(
            ConflictDeclaration.user_id == actor.user_id
        )
        clauses.append(Nomination.id.in_(declared))
    return not_(or_(*clauses)) if clauses else true()


def _possible(ident: int, what: str) -> None:
    if not -MAX_ID <= ident <= MAX_ID:
        raise not_found(what, ident)


def visible_nomination(uow: UnitOfWork, actor: Actor, nomination_id: int) -> Nomination:
    """A nomination the actor may see; NotFound otherwise, so ids do not leak."""
    _possible(nomination_id, "nomination")
    row = (
        uow.session.scalars(
            select(Nomination).where(Nomination.id == nomination_id, nomination_filter(uow, actor))
        )
        .unique()
        .one_or_none()
    )
    if row is None:
        raise not_found("nomination", nomination_id)
    return row


def ensure_visible(uow: UnitOfWork, actor: Actor, nomination_id: int) -> None:
    """Refuse (NotFound) a nomination the actor may not see, without loading the row.

    Not loading it matters: a service that then locks the row must read it fresh.
    """
    _possible(nomination_id, "nomination")
    found = uow.session.scalar(
        select(Nomination.id).where(Nomination.id == nomination_id, nomination_filter(uow, actor))
    )
    if found is None:
        raise not_found("nomination", nomination_id)


def visible_objection(uow: UnitOfWork, actor: Actor, objection_id: int) -> Objection:
    """An objection to a nomination the actor may see; NotFound otherwise."""
    _possible(objection_id, "objection")
    row = uow.session.scalars(
        select(Objection)
        .join(Nomination, Nomination.id == Objection.nomination_id)
        .where(Objection.id == objection_id, nomination_filter(uow, actor))
    ).one_or_none()
    if row is None:
        raise not_found("objection", objection_id)
    return row


def visible_task(uow: UnitOfWork, actor: Actor, task_id: int) -> ReviewTask:
    """A review task the actor may see; NotFound otherwise."""
    _possible(task_id, "task")
    row = uow.session.scalars(
        select(ReviewTask).where(ReviewTask.id == task_id, task_filter(actor))
    ).one_or_none()
    if row is None:
        raise not_found("task", task_id)
    return row


def ensure_task_reviewer(actor: Actor, task: ReviewTask) -> None:
    """Refuse (NotFound, as `visible_task` would) a task outside the actor's queue."""
    if actor.is_privileged:
        return
    if actor.role != task.role or actor.department != task.department:
        raise not_found("task", task.id)
