"""Response models shared by several API modules; never a password or token hash."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from models import AuditEvent, User
from workflow.services.transitions import TransitionResult


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    email: str | None
    role: str
    department: str | None
    unit_code: str | None
    active: bool
    created_at: datetime


def user_out(user: User) -> UserOut:
    """The public view of an account."""
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        role=user.role,
        department=user.department,
        unit_code=user.unit_code,
        active=user.active,
        created_at=user.created_at,
    )


class Page(BaseModel):
    """Paging of a list answer."""

    total: int
    limit: int
    offset: int


class AuditEventOut(BaseModel):
    lane: int = 0  # the chain it is in: its campaign's id, or 0 (README "Hardening")
    seq: int  # its place in its lane
    at: datetime
    actor: str
    actor_user_id: int | None = None
    actor_username: str | None = None
    campaign_id: int | None
    nomination_id: int | None
    trigger: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    payload: dict[str, Any]
    hash: str


def audit_event_out(e: AuditEvent) -> AuditEventOut:
    """The API view of an audit event."""
    return AuditEventOut(
        lane=e.lane,
        seq=e.seq,
        at=e.at,
        actor=e.actor,
        actor_user_id=e.actor_user_id,
        actor_username=e.actor_username,
        campaign_id=e.campaign_id,
        nomination_id=e.nomination_id,
        trigger=e.trigger,
        from_state=e.from_state,
        to_state=e.to_state,
        reason=e.reason,
        payload=e.payload,
        hash=e.hash,
    )


class TransitionOut(BaseModel):
    nomination_id: int
    trigger: str
    from_state: str
    to_state: str
    version: int
    audit_seq: int


def transition_out(r: TransitionResult) -> TransitionOut:
    """The API view of a transition that happened."""
    return TransitionOut(**asdict(r))
