"""The statements `begin_review` sends, and the rows it writes, for the ceiling benchmarks.

Shared by `bench_statement_ceiling.py` (raw, Core, honorflow) and `driver_ceiling.py` (the
same statements below Core): in `begin_review`'s order and with its parameters' shapes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    String,
    bindparam,
    cast,
    insert,
    null,
    select,
    union_all,
    update,
)

from bench.bench_transitions import T0
from models import (
    AuditEvent,
    AuditHead,
    CalendarOverride,
    CalendarYear,
    Deadline,
    Nomination,
    OutboxMessage,
    ReviewTask,
)


def statements(for_update: bool) -> dict[str, Any]:
    """`begin_review`'s statements by name; the lock takes the row on PostgreSQL."""
    lock = select(Nomination.__table__).where(Nomination.id == bindparam("nid"))
    return {
        "lock": lock.with_for_update() if for_update else lock,
        "state": update(Nomination)
        .where(Nomination.id == bindparam("nid"), Nomination.version == bindparam("v"))
        .values(
            status=bindparam("st"),
            version=bindparam("nv"),
            updated_at=bindparam("at"),
            stage_entered_at=bindparam("at"),
        ),
        # The day overrides and each year's digest, as `workflow.calendar_store` reads them.
        "calendar": union_all(
            select(
                CalendarOverride.day,
                CalendarOverride.is_working_day,
                cast(null(), Integer),
                cast(null(), String),
            ),
            select(
                cast(null(), Date), cast(null(), Boolean), CalendarYear.year, CalendarYear.checksum
            ),
        ),
        "task": insert(ReviewTask).returning(ReviewTask.id),
        "deadlines": insert(Deadline),
        "message": insert(OutboxMessage),
        "advance": update(AuditHead)
        .where(AuditHead.lane == bindparam("head_lane"))
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash),
        "event": insert(AuditEvent),
        "seal": update(AuditHead)
        .where(AuditHead.lane == bindparam("head_lane"))
        .values(hash=bindparam("h"), key_id=None, seal=None),
    }


def state_row(nid: int, version: int) -> dict[str, Any]:
    return {"nid": nid, "v": version, "st": "qualification", "nv": version + 1, "at": T0}


def task_row(campaign_id: int, nid: int) -> dict[str, Any]:
    return {
        "nomination_id": nid, "campaign_id": campaign_id, "stage": "qualification",
        "department": "working_team", "role": "team_reviewer", "status": "open",
        "due_at": T0, "created_at": T0, "version": 1,
    }  # fmt: skip


def deadline_row(campaign_id: int, nid: int, task_id: int, kind: str) -> dict[str, Any]:
    return {
        "campaign_id": campaign_id, "nomination_id": nid, "task_id": task_id,
        "objection_id": None, "kind": kind, "stage": "qualification", "due_at": T0,
        "status": "cancelled", "fired_at": None, "created_at": T0, "attempts": 0,
    }  # fmt: skip


def message_row(campaign_id: int, nid: int, task_id: int) -> dict[str, Any]:
    return {
        "idempotency_key": f"ceiling:{task_id}", "kind": "task_assigned",
        "recipient": "office@example.org", "campaign_id": campaign_id, "nomination_id": nid,
        "context": {"task_id": task_id}, "status": "held", "attempts": 0, "last_error": None,
        "created_at": T0, "sent_at": None,
    }  # fmt: skip


def event_row(campaign_id: int, nid: int, seq: int, prev: str) -> dict[str, Any]:
    return {
        "lane": campaign_id, "seq": seq, "at": T0, "actor": "bench", "actor_user_id": None,
        "actor_username": None, "campaign_id": campaign_id, "nomination_id": nid,
        "trigger": "ceiling", "from_state": "submitted", "to_state": "qualification",
        "reason": None, "payload": {}, "prev_hash": prev, "hash": "ab" * 32, "key_id": None,
    }  # fmt: skip


SEAL = {"h": "ab" * 32}
