"""The one path for every state change of a nomination."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from config.catalogue import Message
from config.message_json import reason_fields
from models import Nomination
from models.place_tally import standing_of
from models.uow import UnitOfWork
from workflow import audit
from workflow.access.triggers import authorise
from workflow.actors import Actor
from workflow.alternates import step_up_alternate
from workflow.effects import on_state_changed
from workflow.errors import GuardFailed, HonorflowError, PermissionDenied, Recused
from workflow.guards import run_guard
from workflow.machine import DRAFT
from workflow.messages import notify_unit
from workflow.registry import add_to_registry, mark_revoked
from workflow.repository import commit, conflicts_reported, lock_nomination
from workflow.services.definitions import machine_of
from workflow.states import TransitionResult as TransitionResult
from workflow.step import Step


@dataclass
class _State:
    """What the machine reads and sets: the state alone."""

    status: str


class _Hooks:
    """Binds the shared machine's guard and callback slots to one step."""

    def __init__(self, step: Step) -> None:
        self.step = step

    def check_guard(self, guard: str, nomination: Any) -> list[Any]:
        return run_guard(guard, self.step)

    def on_state_changed(self, nomination: Any, source: str, dest: str, trigger: str) -> None:
        on_state_changed(self.step, source, dest)


def fire(
    uow: UnitOfWork,
    nomination_id: int,
    trigger: str,
    actor: Actor,
    now: datetime,
    *,
    reason: str | Message | None = None,
    payload: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> TransitionResult:
    """Lock the nomination, fire the trigger, write its rows and audit, commit all or nothing."""
    nomination = lock_nomination(uow, nomination_id, expected_version)
    try:
        with conflicts_reported(uow):
            result = apply(uow, nomination, trigger, actor, now, reason=reason, payload=payload)
    except (GuardFailed, PermissionDenied) as refusal:
        uow.session.rollback()
        record_refusal(uow, nomination_id, trigger, actor, now, refusal)
        commit(uow)  # the refusal is kept; nothing else was changed
        raise
    commit(uow)
    return result


def apply(
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
    """Fire a trigger inside the caller's transaction (no commit): guards, rows, audit.

    A reason the engine writes is a Message: the event's `reason` is its Chinese text and
    its payload carries the code and figures (`config.message_json.REASON_KEY`).
    """
    machine = machine_of(nomination.definition)
    source = nomination.status
    spec = machine.spec(source, trigger)
    words, payload = reason_fields(reason, payload)
    step = Step(uow, now, actor, nomination, machine.definition, trigger, words, payload or {})
    if not internal:
        authorise(step, spec)
    if standing_of(source) != standing_of(spec.dest):  # it moves the place tally
        audit.hold_lane(uow, nomination.campaign_id)
    # The shared machine moves a stand-in for the row: the new state is written by the
    # effects in one statement (`workflow.effects.write_state`), not by the ORM's flush.
    machine.fire(_State(source), trigger, _Hooks(step))
    event = audit.append(
        uow,
        now,
        audit.AuditEntry.by(
            actor,
            trigger=trigger,
            campaign_id=nomination.campaign_id,
            nomination_id=nomination.id,
            from_state=source,
            to_state=nomination.status,
            reason=words,
            payload=payload,
        ),
    )
    after_transition(step, source, nomination.status)
    uow.session.flush()
    return TransitionResult(
        nomination.id, trigger, source, nomination.status, nomination.version, event.seq
    )


def record_refusal(
    uow: UnitOfWork,
    nomination_id: int,
    trigger: str,
    actor: Actor,
    now: datetime,
    refusal: Exception,
) -> None:
    """Write a refused attempt into the audit (the caller commits it after rolling back)."""
    nomination = uow.session.get(Nomination, nomination_id)
    kind = "recusal" if isinstance(refusal, Recused) else "refused"
    said = refusal.message if isinstance(refusal, HonorflowError) else None
    reason, payload = reason_fields(said or str(refusal))
    audit.append(
        uow,
        now,
        audit.AuditEntry.by(
            actor,
            trigger=f"{kind}:{trigger}",
            campaign_id=nomination.campaign_id if nomination else None,
            nomination_id=nomination_id,
            from_state=nomination.status if nomination else None,
            to_state=nomination.status if nomination else None,
            reason=reason,
            payload=payload,
        ),
    )


def after_transition(step: Step, source: str, dest: str) -> None:
    """Consequences beyond the nomination itself: registry entries and alternates."""
    n, d = step.nomination, step.definition
    if dest == "awarded":
        add_to_registry(step)
        notify_unit(step, "committee_result", dest)
    elif dest == "revoked":
        mark_revoked(step)
        notify_unit(step, "honour_revoked", dest)
    elif dest == "not_approved":
        notify_unit(step, "committee_result", dest)
    # Only a nomination that held a place frees one: a draft never counted against the quota.
    held_place = source != DRAFT
    if n.rank == "main" and held_place and d.alternates.step_up and dest in d.alternates.step_up_on:
        step_up_alternate(step)
