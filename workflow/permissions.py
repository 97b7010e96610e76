"""Who may fire which trigger: default deny, the definition names the actors of each stage."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from models import ConflictDeclaration, Nomination
from workflow.actors import Actor
from workflow.errors import PermissionDenied, Recused
from workflow.machine import TransitionSpec
from workflow.step import Step

UNIT_TRIGGERS = frozenset({"submit", "withdraw", "resubmit"})
REVIEWER_ROLES = frozenset({"team_reviewer", "department_reviewer", "committee_secretary"})


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
    check_recusal(actor, n)
    stage = d.stages[0] if spec.trigger == "begin_review" else d.stage_of_state(spec.source)
    if stage is not None and any(
        a.role == actor.role and a.department in (None, actor.department) for a in stage.actors
    ):
        return
    raise PermissionDenied(f"{actor.label} may not '{spec.trigger}' in state '{spec.source}'")


def check_recusal(actor: Actor, nomination: Nomination, declared: bool | None = None) -> None:
    """A reviewer from the nominee's own unit, or who declared a conflict, must stand aside.

    `declared`: whether the actor declared a conflict with this nomination, when the caller
    already knows (a list looks them up at once with `declared_conflicts`); None looks it up.
    """
    unit = nomination.unit
    if actor.role in REVIEWER_ROLES and actor.unit_code and actor.unit_code == unit.code:
        raise Recused(
            f"{actor.name} is recused: they belong to {unit.name}, the nominee's own unit"
        )
    if declared is None:
        declared = actor.user_id is not None and has_declared_conflict(actor.user_id, nomination)
    if declared:
        raise Recused(f"{actor.name} is recused: they declared a conflict of interest")


def declared_conflicts(
    session: Session, user_id: int | None, nomination_ids: Iterable[int]
) -> frozenset[int]:
    """Which of these nominations the user declared a conflict with, in one query."""
    ids = set(nomination_ids)
    if user_id is None or not ids:
        return frozenset()
    return frozenset(
        session.scalars(
            select(ConflictDeclaration.nomination_id).where(
                ConflictDeclaration.user_id == user_id,
                ConflictDeclaration.nomination_id.in_(ids),
            )
        )
    )


def has_declared_conflict(user_id: int, nomination: Nomination) -> bool:
    """Whether the user declared a conflict of interest with this nomination."""
    session = object_session(nomination)
    if session is None:  # a detached row cannot be checked; services always pass attached ones
        return False
    found = session.scalar(
        select(ConflictDeclaration.id).where(
            ConflictDeclaration.user_id == user_id,
            ConflictDeclaration.nomination_id == nomination.id,
        )
    )
    return found is not None
