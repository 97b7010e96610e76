"""Reviewer queues: list a department's open tasks, claim one, complete it with an opinion."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from models import Nomination, ReviewTask
from models.reviews import TASK_CLAIMED, TASK_DONE, TASK_OPEN
from models.uow import UnitOfWork
from workflow import audit
from workflow.access import check_recusal, ensure_task_reviewer, may_list_queue
from workflow.actors import Actor
from workflow.deadline_actions import cancel_task_deadlines
from workflow.definition import StageKind
from workflow.errors import GuardFailed, InvalidState, PermissionDenied, Recused
from workflow.repository import commit, conflicts_reported, get, lock_nomination
from workflow.services.definitions import definition_of
from workflow.services.transitions import TransitionResult, apply, record_refusal

# What a reviewer may answer in each kind of stage, and the trigger each answer fires.
OUTCOMES: dict[StageKind, dict[str, str]] = {
    StageKind.TEAM_REVIEW: {"pass": "pass", "fail": "fail", "return": "return_material"},
    StageKind.INSPECTION: {"pass": "pass", "fail": "fail"},
    StageKind.JOINT_REVIEW: {"clear": "clear", "object": "veto"},
}


def queue(
    uow: UnitOfWork, actor: Actor, *, department: str | None = None, limit: int = 100
) -> list[ReviewTask]:
    """Open and claimed tasks of the actor's department, soonest due first."""
    dept = may_list_queue(actor, department)
    query = (
        select(ReviewTask)
        .where(ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED]))
        .order_by(ReviewTask.due_at, ReviewTask.id)
        .limit(limit)
    )
    if dept is not None:
        query = query.where(ReviewTask.department == dept)
    return list(uow.session.scalars(query))


def claim(uow: UnitOfWork, task_id: int, actor: Actor, now: datetime) -> ReviewTask:
    """Take an open task of one's department; a reviewer of the nominee's unit must recuse."""
    task = get(uow, ReviewTask, task_id, "task")
    nomination = lock_nomination(uow, task.nomination_id)
    # Read the task again under the lock: another reviewer may have acted while we waited.
    uow.session.refresh(task)
    try:
        check_reviewer(task, nomination, actor)
    except Recused as recused:
        _audit(uow, task, actor, now, "recusal", str(recused))
        commit(uow)  # the recusal is kept; the task is untouched
        raise
    if task.status != TASK_OPEN:
        raise InvalidState(f"task {task.id} is {task.status}, not open")
    task.status, task.assignee = TASK_CLAIMED, actor.name
    task.assignee_user_id = actor.user_id
    _audit(uow, task, actor, now, "claim_task", None)
    commit(uow)
    return task


def release(uow: UnitOfWork, task_id: int, actor: Actor, now: datetime) -> ReviewTask:
    """Hand a claimed task back to the queue: only its assignee or an admin may."""
    task = get(uow, ReviewTask, task_id, "task")
    lock_nomination(uow, task.nomination_id)
    # Read the task again under the lock: its assignee may have completed it while we waited.
    uow.session.refresh(task)
    if task.status != TASK_CLAIMED:
        raise InvalidState(f"task {task.id} is {task.status}, not claimed")
    if not actor.is_privileged and (not _holds(task, actor) or actor.role != task.role):
        raise PermissionDenied(f"task {task.id} is claimed by {task.assignee}, not {actor.label}")
    previous = task.assignee
    task.status, task.assignee = TASK_OPEN, None
    task.assignee_user_id = None
    _audit(uow, task, actor, now, "release_task", f"released by {actor.name} (was {previous})")
    commit(uow)
    return task


def complete(
    uow: UnitOfWork, task_id: int, actor: Actor, outcome: str, opinion: str, now: datetime
) -> TransitionResult | None:
    """Record a reviewer's outcome and opinion; move the nomination when the stage decides."""
    task = get(uow, ReviewTask, task_id, "task")
    nomination = lock_nomination(uow, task.nomination_id)
    # Read the task again under the lock: another reviewer may have acted while we waited.
    uow.session.refresh(task)
    try:
        check_reviewer(task, nomination, actor)
    except Recused as recused:
        _audit(uow, task, actor, now, "recusal", str(recused))
        commit(uow)  # the recusal is kept; the task is untouched
        raise
    kind = definition_of(nomination.definition).stage(task.stage).kind
    answers = OUTCOMES.get(kind, {})
    if outcome not in answers:
        raise InvalidState(
            f"outcome '{outcome}' does not fit a {kind.value} task; use {sorted(answers)}"
        )
    if task.status not in (TASK_OPEN, TASK_CLAIMED):
        raise InvalidState(f"task {task.id} is {task.status}")
    if task.assignee is not None and not _holds(task, actor) and not actor.is_privileged:
        raise InvalidState(f"task {task.id} is claimed by {task.assignee}")
    if not opinion.strip():
        raise InvalidState("a written opinion is required")
    task.status, task.outcome, task.opinion = TASK_DONE, outcome, opinion
    if task.assignee is None:  # completed straight from the queue: the completer holds it
        task.assignee_user_id = actor.user_id
    task.assignee, task.completed_at = task.assignee or actor.name, now
    cancel_task_deadlines(uow, task.id)
    _audit(uow, task, actor, now, f"task_{outcome}", opinion)
    try:
        with conflicts_reported(uow):
            result = _decide_stage(uow, nomination, task, kind, answers[outcome], actor, now)
    except (GuardFailed, PermissionDenied) as refusal:
        uow.session.rollback()  # the task stays open; only the refusal is kept
        record_refusal(uow, nomination.id, answers[outcome], actor, now, refusal)
        commit(uow)
        raise
    commit(uow)
    return result


def _decide_stage(
    uow: UnitOfWork,
    nomination: Nomination,
    task: ReviewTask,
    kind: StageKind,
    trigger: str,
    actor: Actor,
    now: datetime,
) -> TransitionResult | None:
    definition = definition_of(nomination.definition)
    department = definition.departments.get(task.department)
    reason = f"{department.name if department else task.department}: {task.opinion}"
    if kind is not StageKind.JOINT_REVIEW:
        return apply(uow, nomination, trigger, actor, now, reason=task.opinion)
    stage = definition.stage(task.stage)
    if trigger == "veto" and stage.completion.rule == "all_clear":
        return apply(uow, nomination, "veto", actor, now, reason=reason, internal=True)
    try:
        return apply(uow, nomination, "clear", actor, now, reason=reason, internal=True)
    except GuardFailed as waiting:
        if _has_unanswered(uow, nomination.id, task.stage):
            return None  # other departments have not all answered yet
        # Every department answered and the quorum was not reached: that is a veto.
        return apply(uow, nomination, "veto", actor, now, reason=str(waiting), internal=True)


def _has_unanswered(uow: UnitOfWork, nomination_id: int, stage: str) -> bool:
    return (
        uow.session.scalars(
            select(ReviewTask.id).where(
                ReviewTask.nomination_id == nomination_id,
                ReviewTask.stage == stage,
                ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED]),
            )
        ).first()
        is not None
    )


def _holds(task: ReviewTask, actor: Actor) -> bool:
    """Whether the actor is the one who claimed the task: by account, not by display name."""
    return actor.same_person(task.assignee_user_id, task.assignee)


def check_reviewer(task: ReviewTask, nomination: Nomination, actor: Actor) -> None:
    """Only the task's department may act (NotFound for others); a recused reviewer may not."""
    ensure_task_reviewer(actor, task)
    check_recusal(actor, nomination)


def _audit(
    uow: UnitOfWork, task: ReviewTask, actor: Actor, now: datetime, trigger: str, reason: str | None
) -> None:
    audit.append(
        uow,
        now,
        audit.AuditEntry(
            actor=actor.label,
            trigger=trigger,
            campaign_id=task.campaign_id,
            nomination_id=task.nomination_id,
            reason=reason,
            payload={"task_id": task.id, "department": task.department, "stage": task.stage},
        ),
    )
