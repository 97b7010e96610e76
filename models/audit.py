"""The append-only, hash-chained audit log and its head rows, one chain ("lane") per campaign.

An event belongs to the lane of its campaign (lane 0: events without a campaign, and every event
written before lanes); each lane is a chain of its own with its own seq 1..n and its own head
row, so changes in different campaigns never wait on one another's head.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, ForeignKey, String, Table, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"
    # A place is unique within its lane; the index also serves verification's walk.
    __table_args__ = (UniqueConstraint("lane", "seq"),)

    # Global and monotonic: the order readers list events in (seq restarts in every lane).
    id: Mapped[int] = mapped_column(primary_key=True)
    # The chain the event is in: its campaign's id, or 0 (see LANE_NONE).
    lane: Mapped[int]
    seq: Mapped[int]
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    # The account behind the actor (None for the system, CLI roles and events written before).
    actor_user_id: Mapped[int | None]
    actor_username: Mapped[str | None] = mapped_column(String(100))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The id of the key whose HMAC `hash` is; None: a plain SHA-256 (events before the key).
    key_id: Mapped[str | None] = mapped_column(String(16))


class AuditHead(Base):
    """A lane's tip; updating it serialises the lane's appends so the lane never forks."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    lane: Mapped[int] = mapped_column(unique=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))
    # The head sealed under the key (HMAC of lane, seq and hash): moving it needs the key.
    key_id: Mapped[str | None] = mapped_column(String(16))
    seal: Mapped[str | None] = mapped_column(String(64))


GENESIS_HASH = "0" * 64
# The lane of events without a campaign; it also continues the one chain kept before lanes.
LANE_NONE = 0
HEAD_ROW = {"lane": LANE_NONE, "seq": 0, "hash": GENESIS_HASH}


def lane_of(campaign_id: int | None) -> int:
    """The lane an event of a campaign (or of none) is chained in."""
    return LANE_NONE if campaign_id is None else campaign_id


@event.listens_for(AuditHead.__table__, "after_create")
def _insert_head(target: Table, connection: Connection, **_: Any) -> None:
    # Lane 0's head exists from the start, as it did before lanes; a campaign's head is made
    # by its first append (workflow/audit.py), which tolerates a racing twin.
    connection.execute(target.insert().values(**HEAD_ROW))
