"""Review tasks as people read them: queues, the inbox, one task.

Every entry point lists and opens tasks here: a reviewer sees its own department's tasks
for its own role (anything else is NotFound), a recused reviewer sees a task of its queue
without the nominee, and opening such a task is refused and audited once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    bindparam,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import lazyload

from models import Campaign, Nomination, RecommendingUnit, ReviewTask
from models.reviews import TASK_CLAIMED, TASK_OPEN
from models.uow import UnitOfWork
from workflow.access import (
    declared_conflict_flag,
    declared_conflicts,
    is_recused,
    may_list_queue,
    not_recused_filter,
    require_reviewer,
    stands_aside,
    task_filter,
    visible_task,
)
from workflow.access.reads import readable_task
from workflow.actors import Actor
from workflow.queries.nominations import NominationView, build_view
from workflow.queries.paging import Paged
from workflow.services.definitions import definition_of
from workflow.stages.registry import kind_of
from workflow.vocabulary import CATEGORIES

LIVE = (TASK_OPEN, TASK_CLAIMED)
# Live as literals in the SQL, not parameters: the queue's partial index is for `status IN
# ('open', 'claimed')`, and a prepared statement's generic plan, which sees only parameters,
# could not use it; with the values in the text PostgreSQL may keep one plan and skip planning.
_IS_LIVE = ReviewTask.status.in_(bindparam(None, LIVE, expanding=True, literal_execute=True))
# The clock in a list's statement is a parameter given when it runs, so the statement itself
# depends only on who asks and for what, and can be kept (`_statement`).
_NOW = "list_now"


@dataclass(frozen=True)
class QueuedTask:
    """A task's columns as a list shows them: a page reads these, not whole rows."""

    id: int
    nomination_id: int
    campaign_id: int
    stage: str
    department: str
    role: str
    status: str
    assignee: str | None
    assignee_user_id: int | None
    outcome: str | None
    due_at: datetime | None
    created_at: datetime
    completed_at: datetime | None


_QUEUED = tuple(getattr(ReviewTask, f.name) for f in fields(QueuedTask))


@dataclass(frozen=True)
class TaskRow:
    """A task as a queue lists it; a recused reviewer sees no nominee detail."""

    task: ReviewTask | QueuedTask
    nominee: str | None
    unit: str | None
    recused: bool
    overdue: bool
    mine: bool


@dataclass(frozen=True)
class TaskView:
    """One task with its nomination, as the reviewer may see it."""

    row: TaskRow
    view: NominationView
    task: ReviewTask  # the row itself (its opinion too)


def holds(actor: Actor, task: ReviewTask | QueuedTask) -> bool:
    """Whether the actor is the one who claimed the task (by account; see Actor.same_person)."""
    return task.status == TASK_CLAIMED and actor.same_person(task.assignee_user_id, task.assignee)


def _mine(actor: Actor) -> ColumnElement[bool]:
    return _mine_of(actor, ReviewTask.assignee_user_id, ReviewTask.assignee)


def _mine_of(
    actor: Actor, user_id: SQLColumnExpression[int | None], name: SQLColumnExpression[str | None]
) -> ColumnElement[bool]:
    """Claimed by this actor: by account, or by name for a claim made without one."""
    if actor.user_id is not None:
        return user_id == actor.user_id
    return and_(user_id.is_(None), name == actor.name)


def _live_query(actor: Actor, department: str | None = None) -> Select[ReviewTask]:
    query = (
        select(ReviewTask)
        .where(task_filter(actor), _IS_LIVE)
        .order_by(ReviewTask.due_at, ReviewTask.id)
    )
    return query if department is None else query.where(ReviewTask.department == department)


def rows_of(uow: UnitOfWork, actor: Actor, tasks: list[ReviewTask], now: datetime) -> list[TaskRow]:
    """The rows of these tasks: their nominations and the actor's conflicts in one query each."""
    nominations = task_nominations(uow, tasks)
    conflicts = declared_conflicts(uow.session, actor.user_id, nominations)
    return [
        _row(actor, t, nominations[t.nomination_id], now, t.nomination_id in conflicts)
        for t in tasks
    ]


def _row(
    actor: Actor, task: ReviewTask, nomination: Nomination, now: datetime, declared: bool | None
) -> TaskRow:
    recused = is_recused(actor, nomination, declared)
    return _shown(actor, task, None if recused else (nomination.name, nomination.unit.name), now)


# The inbox's page sizes: a page is never longer than the largest.
PAGE_SIZES = (5, 10, 25, 50, 100)
# What the state filter may ask for: open (unclaimed), claimed (by anyone), mine (by me).
STATES = ("open", "claimed", "mine")


@dataclass(frozen=True)
class TaskFilter:
    """The filters of a task list, shared by the inbox page, the API and the CLI; None: any.

    `unit`, `category` and `search` select on the nominee: a recused reviewer's tasks are left
    out of such a list, so a search never tells whom a hidden task is about.
    """

    campaign_id: int | None = None
    stage: str | None = None
    state: str | None = None  # one of STATES
    overdue: bool = False
    unit: str | None = None  # the recommending unit's code
    category: str | None = None
    search: str | None = None  # part of the nominee's name or employer
    department: str | None = None  # an admin's choice; a reviewer has only their own

    @property
    def about_nominee(self) -> bool:
        """Whether a filter reads the nominee (so recused nominations must be left out)."""
        return bool(self.unit or self.category or self.search)


@dataclass(frozen=True)
class TaskCounts:
    """How many live tasks of the actor's queue there are: all, open, mine, overdue."""

    live: int
    open: int
    mine: int
    overdue: int


def _filtered(actor: Actor, where: TaskFilter) -> Select[ReviewTask]:
    department = may_list_queue(actor, where.department) if where.department else None
    query = _live_query(actor, department)
    if where.state == "mine":
        query = query.where(ReviewTask.status == TASK_CLAIMED, _mine(actor))
    elif where.state in ("open", "claimed"):
        query = query.where(ReviewTask.status == where.state)
    if where.campaign_id is not None:
        query = query.where(ReviewTask.campaign_id == where.campaign_id)
    if where.stage:
        query = query.where(ReviewTask.stage == where.stage)
    if where.overdue:
        # Typed as the column (compared with it), as the clock's value was.
        query = query.where(ReviewTask.due_at.is_not(None), ReviewTask.due_at < bindparam(_NOW))
    if where.about_nominee:
        query = query.where(ReviewTask.nomination_id.in_(_nominees(actor, where)))
    return query


def _nominees(actor: Actor, where: TaskFilter) -> Select[int]:
    """The nominations the nominee filters select, recused ones left out."""
    query = select(Nomination.id).where(not_recused_filter(actor))
    if where.unit:
        units = select(RecommendingUnit.id).where(RecommendingUnit.code == where.unit)
        query = query.where(Nomination.unit_id.in_(units))
    if where.category:
        query = query.where(Nomination.category == where.category)
    if where.search:
        # autoescape: a % or _ typed by the reviewer is a character, not a wildcard.
        query = query.where(
            or_(
                Nomination.name.contains(where.search, autoescape=True),
                Nomination.employer.contains(where.search, autoescape=True),
            )
        )
    return query


def list_tasks(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    where: TaskFilter | None = None,
    *,
    mine: bool = False,
    campaign_id: int | None = None,
    department: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Paged[TaskRow]:
    """Open and claimed tasks the actor may see matching the filter, soonest due first.

    `mine`, `campaign_id` and `department` are shorthands for the filter's fields.
    """
    where = where or TaskFilter()
    if mine:
        where = replace(where, state="mine")
    if campaign_id is not None:
        where = replace(where, campaign_id=campaign_id)
    if department:
        where = replace(where, department=department)
    statement = _statement(actor, where, limit, offset)
    # One statement, so on PostgreSQL it runs outside a transaction: no BEGIN nor COMMIT.
    with uow.one_statement():
        found = uow.session.execute(statement, {_NOW: now} if where.overdue else None)
        return _listed(actor, found, now)


# The statements kept, one per actor, filter and page asked for (the least recently used go).
STATEMENTS_KEPT = 512


@lru_cache(maxsize=STATEMENTS_KEPT)
def _statement(actor: Actor, where: TaskFilter, limit: int, offset: int) -> Select[Any]:
    """A list's statement, built once and kept: building it (its subqueries' columns, its cache
    key) cost more than running it. It depends on nothing else: the access policy's clauses are
    functions of the actor alone, and the clock is a parameter. A refused filter (another
    department's queue) raises here each time: a failed call is not kept."""
    return _counted_page(actor, _filtered(actor, where), limit, offset)


def _counted_page(actor: Actor, query: Select[ReviewTask], limit: int, offset: int) -> Select[Any]:
    """The total and one page in one statement (one round trip), only the columns a list
    shows: the page of tasks (as the bare SQL pages them, before the joins), their nominee and
    unit, the actor's conflicts. The count is the outer row source and the page is joined to
    it, so a page past the end still answers the total (one row of NULLs)."""
    counted = (
        select(func.count().label("total"))
        .select_from(query.with_only_columns(ReviewTask.id).order_by(None).subquery())
        .subquery()
    )
    tasks = query.with_only_columns(*_QUEUED).limit(limit).offset(offset).subquery()
    shown = tasks.join(Nomination, Nomination.id == tasks.c.nomination_id).join(
        RecommendingUnit, RecommendingUnit.id == Nomination.unit_id
    )
    return (
        select(
            counted.c.total,
            *tasks.c,  # the columns of QueuedTask, in its order
            Nomination.name,
            RecommendingUnit.code,
            RecommendingUnit.name,
            declared_conflict_flag(actor, tasks.c.nomination_id),
        )
        .select_from(counted.outerjoin(shown, true()))
        .order_by(tasks.c.due_at, tasks.c.id)
    )


def _listed(actor: Actor, found: Iterable[Sequence[Any]], now: datetime) -> Paged[TaskRow]:
    """The total and the rows of a `_counted_page` statement's answer."""
    total, rows, width = 0, [], len(_QUEUED)
    for row in found:
        total = int(row[0])
        if row[1] is None:  # no task on the page: only the count's row
            continue
        task = QueuedTask(*row[1 : width + 1])
        nominee, unit_code, unit, declared = row[width + 1 :]
        recused = stands_aside(actor, unit_code, bool(declared))
        rows.append(_shown(actor, task, None if recused else (nominee, unit), now))
    return Paged(total, rows)


def _shown(
    actor: Actor, task: ReviewTask | QueuedTask, nominee: tuple[str, str] | None, now: datetime
) -> TaskRow:
    """A list's row: the nominee's name and unit, or None for a recused reviewer."""
    return TaskRow(
        task,
        nominee[0] if nominee else None,
        nominee[1] if nominee else None,
        nominee is None,
        bool(task.due_at and task.due_at < now and task.status in LIVE),
        holds(actor, task),
    )


def task_counts(uow: UnitOfWork, actor: Actor, now: datetime) -> TaskCounts:
    """The counts the inbox shows beside its filters, in one query."""
    live = _live_query(actor).order_by(None).subquery()
    row = uow.session.execute(
        select(
            func.count(),
            func.count().filter(live.c.status == TASK_OPEN),
            func.count().filter(
                live.c.status == TASK_CLAIMED,
                _mine_of(actor, live.c.assignee_user_id, live.c.assignee),
            ),
            func.count().filter(live.c.due_at < now),
        ).select_from(live)
    ).one()
    return TaskCounts(int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def inbox(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    where: TaskFilter | None = None,
    limit: int = 25,
    offset: int = 0,
) -> Paged[TaskRow]:
    """A reviewer's inbox: one page of the live tasks of their department (all for an admin)."""
    require_reviewer(actor)
    return list_tasks(uow, actor, now, where, limit=min(limit, PAGE_SIZES[-1]), offset=offset)


@dataclass(frozen=True)
class InboxChoices:
    """What the inbox's filters offer: the campaigns, stages and units of the actor's queue."""

    campaigns: list[tuple[int, str]]  # id, title
    stages: list[str]
    units: list[tuple[str, str]]  # code, name
    categories: tuple[str, ...]


def inbox_choices(uow: UnitOfWork, actor: Actor) -> InboxChoices:
    """The filter choices of the actor's live tasks (units of recused nominees left out)."""
    live = _live_query(actor).order_by(None)
    ids = live.with_only_columns(ReviewTask.campaign_id).distinct()
    campaigns = uow.session.execute(
        select(Campaign.id, Campaign.title).where(Campaign.id.in_(ids)).order_by(Campaign.id)
    )
    stages = uow.session.scalars(
        live.with_only_columns(ReviewTask.stage).distinct().order_by(ReviewTask.stage)
    )
    nominees = live.with_only_columns(ReviewTask.nomination_id)
    units = uow.session.execute(
        select(RecommendingUnit.code, RecommendingUnit.name)
        .join(Nomination, Nomination.unit_id == RecommendingUnit.id)
        .where(Nomination.id.in_(nominees), not_recused_filter(actor))
        .distinct()
        .order_by(RecommendingUnit.code)
    )
    return InboxChoices(
        [(int(i), str(t)) for i, t in campaigns],
        list(stages),
        [(str(c), str(n)) for c, n in units],
        tuple(CATEGORIES),
    )


def task_nominations(uow: UnitOfWork, tasks: list[ReviewTask]) -> dict[int, Nomination]:
    """The nominations of these tasks by id, in one query (not one per task).

    With their unit, which the queue shows; their campaign and definition version (each row
    would carry the definition's whole source twice) load only if something asks for them.
    """
    ids = {task.nomination_id for task in tasks}
    if not ids:
        return {}
    rows = uow.session.scalars(
        select(Nomination)
        .where(Nomination.id.in_(ids))
        .options(lazyload(Nomination.campaign), lazyload(Nomination.definition))
    )
    return {n.id: n for n in rows.unique()}


def task_row(uow: UnitOfWork, actor: Actor, task_id: int, now: datetime) -> TaskRow:
    """A task of the actor's queue as the queue shows it (after acting on it); NotFound else."""
    return rows_of(uow, actor, [visible_task(uow, actor, task_id)], now)[0]


def task_detail(uow: UnitOfWork, actor: Actor, task_id: int, now: datetime) -> TaskView:
    """One task and its nomination; NotFound outside the queue, Recused (audited) if recused."""
    task, nomination = readable_task(uow, actor, task_id, "view_task", now)
    row = _row(actor, task, nomination, now, False)
    return TaskView(row, build_view(uow, actor, nomination, now), task)


def vetoes_of(uow: UnitOfWork, actor: Actor, task_id: int) -> frozenset[str]:
    """The answers to a task of the actor's queue that veto (NotFound outside the queue)."""
    task = visible_task(uow, actor, task_id)
    nomination = uow.session.get_one(Nomination, task.nomination_id)
    return kind_of(definition_of(nomination.definition).stage(task.stage)).vetoes
