"""What a state change writes, whatever the stage: leave the old state, enter the new one.

What entering a stage creates belongs to its kind (`workflow.stages`); this module only
closes the open work a state leaves behind and dispatches to the kind. Rows only, no I/O.
"""

from __future__ import annotations

from typing import Any

from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.lifecycles import review_task
from workflow.messages import notify_unit
from workflow.repository import write_now
from workflow.stages.base import StageBehaviour
from workflow.stages.registry import kind_of
from workflow.states import END_STATES
from workflow.step import Step


def on_state_changed(step: Step, source: str, dest: str) -> None:
    """Write the nomination's new state, close what the old state opened and open what the
    new state needs."""
    stage = step.definition.stage_of_state(dest)
    entering = stage is not None and dest == stage.id
    write_state(step, dest, entering)
    left = step.definition.stage_of_state(source)
    if left is not None:
        close_open_work(step, source, kind_of(left))
    if stage is not None and entering:
        kind_of(stage).enter(step, stage)
    elif stage is not None:
        kind_of(stage).enter_returned(step, stage)
    if dest in END_STATES:
        notify_unit(step, "nomination_ended", dest)


def write_state(step: Step, dest: str, entering_stage: bool) -> None:
    """The nomination's row in its new state, written at once (what follows reads it)."""
    values: dict[str, Any] = {"status": dest, "updated_at": step.now}
    if entering_stage:
        values["stage_entered_at"] = step.now
    if dest in END_STATES:
        values["end_reason"] = step.reason
    write_now(step.uow, step.nomination, values)


def close_open_work(step: Step, state: str, kind: StageBehaviour) -> None:
    """Cancel the tasks and pending deadlines a state left behind.

    Only a kind whose reviewers answer (`outcomes`) queues tasks, and only a kind with
    deadline actions stores deadlines (a row no action can fire would be useless): leaving
    any other stage (the committee's, for each nominee of its list) has nothing to cancel.
    """
    nid = step.nomination.id
    if kind.outcomes:
        review_task.cancel_live(step.uow, nid, state, step.now)
    if kind.actions:
        deadline_lifecycle.cancel_pending_of_stage(step.uow, nid, state)
