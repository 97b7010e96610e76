"""Reviewer queues: list a department's open tasks, claim one, complete it with an opinion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from config.catalogue import Listing, Message, msg
from models import Nomination, ReviewTask
from models.reviews import TASK_CLAIMED, TASK_DONE
from models.uow import UnitOfWork
from workflow.access import check_recusal, ensure_task_reviewer, may_list_queue
from workflow.actors import Actor
from workflow.definition import StageSpec
from workflow.errors import GuardFailed, InvalidInput, InvalidState, PermissionDenied, Recused
from workflow.lifecycles import review_task
from workflow.repository import commit, conflicts_reported, lock_task
from workflow.services.definitions import definition_of
from workflow.services.transitions import TransitionResult, apply, record_refusal
from workflow.stages.base import Apply
from workflow.stages.registry import kind_of
from workflow.stages.tasks import finish_task_deadlines

# The field a missing opinion is reported against (the API's 422 names it).
OPINION = "opinion"


def queue(
    uow: UnitOfWork, actor: Actor, *, department: str | None = None, limit: int = 100
) -> list[ReviewTask]:
    """Open and claimed tasks of the actor's department, soonest due first."""
    dept = may_list_queue(actor, department)
    query = (
        select(ReviewTask)
        .where(ReviewTask.status.in_(review_task.LIVE))
        .order_by(ReviewTask.due_at, ReviewTask.id)
        .limit(limit)
    )
    if dept is not None:
        query = query.where(ReviewTask.department == dept)
    return list(uow.session.scalars(query))


def claim(uow: UnitOfWork, task_id: int, actor: Actor, now: datetime) -> ReviewTask:
    """Take an open task of one's department; a reviewer of the nominee's unit must recuse."""
    task, nomination = lock_task(uow, task_id)
    try:
        check_reviewer(task, nomination, actor)
    except Recused as recused:
        review_task.record(uow, task, actor, now, "recusal", str(recused))
        commit(uow)  # the recusal is kept; the task is untouched
        raise
    held_by = {"assignee": actor.name, "assignee_user_id": actor.user_id}
    review_task.move(
        uow, task, TASK_CLAIMED, actor=actor, now=now, trigger="claim_task", also=held_by
    )
    commit(uow)
    return task


def release(uow: UnitOfWork, task_id: int, actor: Actor, now: datetime) -> ReviewTask:
    """Hand a claimed task back to the queue: only its assignee or an admin may."""
    # The task is read under the lock: its assignee may have completed it while we waited.
    task, _ = lock_task(uow, task_id)
    if task.status != TASK_CLAIMED:
        raise InvalidState(msg("error.task_not_claimed", id=task.id))
    if not actor.is_privileged and (not _holds(task, actor) or actor.role != task.role):
        raise PermissionDenied(msg("error.task_claimed_by", id=task.id, assignee=task.assignee))
    previous = task.assignee
    reason = f"released by {actor.name} (was {previous})"
    review_task.release(uow, task, actor=actor, now=now, reason=reason)
    commit(uow)
    return task


def complete(
    uow: UnitOfWork, task_id: int, actor: Actor, outcome: str, opinion: str, now: datetime
) -> TransitionResult | None:
    """Record a reviewer's outcome and opinion; move the nomination when the stage decides."""
    task, nomination = lock_task(uow, task_id)
    try:
        check_reviewer(task, nomination, actor)
    except Recused as recused:
        review_task.record(uow, task, actor, now, "recusal", str(recused))
        commit(uow)  # the recusal is kept; the task is untouched
        raise
    stage = definition_of(nomination.definition).stage(task.stage)
    behaviour = kind_of(stage)
    check_outcome(stage, outcome)
    review_task.LIFECYCLE.check(task.id, task.status, TASK_DONE)
    if task.assignee is not None and not _holds(task, actor) and not actor.is_privileged:
        raise InvalidState(msg("error.task_claimed_by", id=task.id, assignee=task.assignee))
    check_reason(stage, outcome, opinion)
    answer: dict[str, Any] = {"outcome": outcome, "opinion": opinion}
    if task.assignee is None:  # completed straight from the queue: the completer holds it
        answer |= {"assignee": actor.name, "assignee_user_id": actor.user_id}
    review_task.settle(uow, task, TASK_DONE, now, answer)
    trigger = behaviour.outcomes[outcome]
    try:
        with conflicts_reported(uow):
            # The stage kind decides what the answer means (joint review: veto or quorum); a
            # transition it fires carries the task's facts, as the completion's one event.
            result = behaviour.decide(
                uow, nomination, task, trigger, actor, now, _recording(task, outcome)
            )
    except (GuardFailed, PermissionDenied) as refusal:
        uow.session.rollback()  # the task stays open; only the refusal is kept
        record_refusal(uow, nomination.id, trigger, actor, now, refusal)
        commit(uow)
        raise
    if result is None:  # the stage waits for others: the completion is its own event
        review_task.record(uow, task, actor, now, f"task_{outcome}", opinion)
    # A nomination leaving the task's stage has its pending deadlines (the task's among them)
    # cancelled by the transition already.
    left_stage = result is not None and result.from_state == task.stage != result.to_state
    if not left_stage:
        finish_task_deadlines(uow, task.id)
    commit(uow)
    return result


def _recording(task: ReviewTask, outcome: str) -> Apply:
    """`apply`, with the completed task's facts and outcome added to the event's payload."""
    done = {**review_task.facts(task), "outcome": outcome}

    def apply_completing(
        uow: UnitOfWork,
        nomination: Nomination,
        trigger: str,
        actor: Actor,
        now: datetime,
        *,
        reason: str | Message | None = None,
        payload: dict[str, Any] | None = None,
        internal: bool = False,
    ) -> TransitionResult:
        facts = {**done, **(payload or {})}
        return apply(
            uow, nomination, trigger, actor, now, reason=reason, payload=facts, internal=internal
        )

    return apply_completing


def check_outcome(stage: StageSpec, outcome: str) -> None:
    """The answer must be one the stage's kind offers."""
    answers = kind_of(stage).outcomes
    if outcome not in answers:
        raise InvalidState(
            msg(
                "error.outcome_unfit",
                outcome=outcome,
                stage=stage.title,
                answers=Listing(tuple(msg(f"page.outcome_{a}") for a in sorted(answers)), "or"),
            )
        )


def check_reason(stage: StageSpec, outcome: str, opinion: str) -> None:
    """Every answer comes with a written opinion; a veto with its written reason."""
    if opinion.strip():
        return
    # A veto removes the nominee for good: its reason is the record the unit is told.
    vetoing = outcome in kind_of(stage).vetoes
    code = "error.veto_reason_required" if vetoing else "error.opinion_required"
    raise InvalidInput(OPINION, msg(code))


def _holds(task: ReviewTask, actor: Actor) -> bool:
    """Whether the actor is the one who claimed the task: by account, not by display name."""
    return actor.same_person(task.assignee_user_id, task.assignee)


def check_reviewer(task: ReviewTask, nomination: Nomination, actor: Actor) -> None:
    """Only the task's department may act (NotFound for others); a recused reviewer may not."""
    ensure_task_reviewer(actor, task)
    check_recusal(actor, nomination)
