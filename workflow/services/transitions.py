"""The one path for every state change of a nomination."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from models import HonourRecord, Nomination
from models.uow import UnitOfWork
from workflow import audit
from workflow.actors import Actor
from workflow.definition import Definition
from workflow.effects import notify_unit, on_state_changed
from workflow.errors import GuardFailed, PermissionDenied, Recused
from workflow.guards import quota, run_guard
from workflow.machine import CLOSED_STATES, DRAFT, TransitionSpec
from workflow.repository import commit, lock_nomination
from workflow.services.definitions import machine_of
from workflow.step import Step

UNIT_TRIGGERS = frozenset({"submit", "withdraw", "resubmit"})
REVIEWER_ROLES = frozenset({"team_reviewer", "department_reviewer", "committee_secretary"})


@dataclass(frozen=True)
class TransitionResult:
    nomination_id: int
    trigger: str
    from_state: str
    to_state: str
    version: int
    audit_seq: int


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
    reason: str | None = None,
    payload: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> TransitionResult:
    """Lock the nomination, fire the trigger, write its rows and audit, commit all or nothing."""
    nomination = lock_nomination(uow, nomination_id, expected_version)
    try:
        result = apply(uow, nomination, trigger, actor, now, reason=reason, payload=payload)
    except (GuardFailed, PermissionDenied) as refusal:
        uow.session.rollback()
        record_refusal(uow, nomination_id, trigger, actor, now, refusal)
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
    reason: str | None = None,
    payload: dict[str, Any] | None = None,
    internal: bool = False,
) -> TransitionResult:
    """Fire a trigger inside the caller's transaction (no commit): guards, rows, audit."""
    machine = machine_of(nomination.definition)
    source = nomination.status
    spec = machine.spec(source, trigger)
    step = Step(uow, now, actor, nomination, machine.definition, trigger, reason, payload or {})
    if not internal:
        authorise(step, spec)
    machine.fire(nomination, trigger, _Hooks(step))
    event = audit.append(
        uow,
        now,
        audit.AuditEntry(
            actor=actor.label,
            trigger=trigger,
            campaign_id=nomination.campaign_id,
            nomination_id=nomination.id,
            from_state=source,
            to_state=nomination.status,
            reason=reason,
            payload=payload,
        ),
    )
    after_transition(step, source, nomination.status)
    uow.session.flush()
    return TransitionResult(
        nomination.id, trigger, source, nomination.status, nomination.version, event.seq
    )


def authorise(step: Step, spec: TransitionSpec) -> None:
    """Default deny: only the actors the definition names may fire a stage's triggers."""
    actor, n, d = step.actor, step.nomination, step.definition
    if actor.is_privileged:
        return
    if spec.system_only:
        raise PermissionDenied(f"'{spec.trigger}' is fired by the engine, not by a person")
    if spec.trigger in UNIT_TRIGGERS:
        if actor.role == "unit_clerk" and actor.unit_code == n.unit.code:
            return
        raise PermissionDenied(f"only a clerk of {n.unit.name} may {spec.trigger} this nomination")
    if spec.trigger == "revoke":
        raise PermissionDenied("only an administrator may revoke an honour")
    check_recusal(step)
    stage = d.stages[0] if spec.trigger == "begin_review" else d.stage_of_state(spec.source)
    if stage is not None and any(
        a.role == actor.role and a.department in (None, actor.department) for a in stage.actors
    ):
        return
    raise PermissionDenied(f"{actor.label} may not '{spec.trigger}' in state '{spec.source}'")


def check_recusal(step: Step) -> None:
    """A reviewer from the nominee's own unit must stand aside."""
    actor, n = step.actor, step.nomination
    if actor.role in REVIEWER_ROLES and actor.unit_code and actor.unit_code == n.unit.code:
        raise Recused(
            f"{actor.name} belongs to {n.unit.name}, the nominee's own unit, and must recuse"
        )


def record_refusal(
    uow: UnitOfWork,
    nomination_id: int,
    trigger: str,
    actor: Actor,
    now: datetime,
    refusal: Exception,
) -> None:
    """Keep a refused attempt in the audit (its own transaction; no state changed)."""
    nomination = uow.session.get(Nomination, nomination_id)
    kind = "recusal" if isinstance(refusal, Recused) else "refused"
    audit.append(
        uow,
        now,
        audit.AuditEntry(
            actor=actor.label,
            trigger=f"{kind}:{trigger}",
            campaign_id=nomination.campaign_id if nomination else None,
            nomination_id=nomination_id,
            from_state=nomination.status if nomination else None,
            to_state=nomination.status if nomination else None,
            reason=str(refusal),
        ),
    )
    commit(uow)


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
        step_up_alternate(step, d)


def add_to_registry(step: Step) -> None:
    n = step.nomination
    step.uow.session.add(
        HonourRecord(
            person_name=n.name,
            birth_date=n.birth_date,
            honour=n.honour,
            honour_level=n.campaign.honour_level,
            campaign_id=n.campaign_id,
            nomination_id=n.id,
            awarded_on=step.now.date(),
            created_at=step.now,
        )
    )


def mark_revoked(step: Step) -> None:
    record = step.uow.session.scalars(
        select(HonourRecord).where(HonourRecord.nomination_id == step.nomination.id)
    ).one_or_none()
    if record is not None:
        record.revoked_on = step.now.date()
        record.revoke_reason = step.reason


def step_up_alternate(step: Step, definition: Definition) -> audit.Appended | None:
    """The unit's first live alternate takes the place of a main nominee who left."""
    n = step.nomination
    alternate = step.uow.session.scalars(
        select(Nomination)
        .where(
            Nomination.campaign_id == n.campaign_id,
            Nomination.unit_id == n.unit_id,
            Nomination.rank == "alternate",
            Nomination.status.not_in(CLOSED_STATES),
        )
        .order_by(Nomination.alternate_order, Nomination.id)
        .limit(1)
    ).first()
    if alternate is None or not _place_free(step, alternate):
        return None
    order = alternate.alternate_order
    alternate.rank, alternate.alternate_order, alternate.updated_at = "main", None, step.now
    return audit.append(
        step.uow,
        step.now,
        audit.AuditEntry(
            actor="system",
            trigger="step_up",
            campaign_id=n.campaign_id,
            nomination_id=alternate.id,
            from_state=alternate.status,
            to_state=alternate.status,
            reason=f"alternate {order} steps up for {n.name} ({n.status})",
            payload={"replaces": n.id, "alternate_order": order},
        ),
    )


def _place_free(step: Step, alternate: Nomination) -> bool:
    """A submitted alternate steps up only if a place is free for it (its category's, if split)."""
    if alternate.status == DRAFT:
        return True  # its own submission will be held to the quota
    probe = Step(step.uow, step.now, step.actor, alternate, step.definition, "step_up")
    return not quota(probe, as_main=True)
