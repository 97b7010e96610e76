"""What a state change writes, whatever the stage: leave the old state, enter the new one.

What entering a stage creates belongs to its kind (`workflow.stages`); this module only
closes the open work a state leaves behind and dispatches to the kind. Rows only, no I/O.
"""

from __future__ import annotations

from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.lifecycles import review_task
from workflow.messages import notify_unit
from workflow.stages.registry import kind_of
from workflow.states import END_STATES
from workflow.step import Step


def on_state_changed(step: Step, source: str, dest: str) -> None:
    """Close what the old state opened and open what the new state needs."""
    n = step.nomination
    n.updated_at = step.now
    if step.definition.stage_of_state(source) is not None:
        close_open_work(step, source)
    stage = step.definition.stage_of_state(dest)
    if stage is not None and dest == stage.id:
        n.stage_entered_at = step.now
        kind_of(stage).enter(step, stage)
    elif stage is not None:
        kind_of(stage).enter_returned(step, stage)
    if dest in END_STATES:
        n.end_reason = step.reason
        notify_unit(step, "nomination_ended", dest)


def close_open_work(step: Step, state: str) -> None:
    """Cancel the tasks and pending deadlines a state left behind."""
    nid = step.nomination.id
    review_task.cancel_live(step.uow, nid, state, step.now)
    deadline_lifecycle.cancel_pending_of_stage(step.uow, nid, state)
