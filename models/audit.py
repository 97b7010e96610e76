"""The append-only, hash-chained audit log and its head row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, ForeignKey, String, Table, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
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
    """The chain's tip; updating it serialises appends so the chain never forks."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))
    # The head sealed under the key (HMAC of seq and hash): moving it needs the key.
    key_id: Mapped[str | None] = mapped_column(String(16))
    seal: Mapped[str | None] = mapped_column(String(64))


GENESIS_HASH = "0" * 64
HEAD_ROW = {"id": 1, "seq": 0, "hash": GENESIS_HASH}


@event.listens_for(AuditHead.__table__, "after_create")
def _insert_head(target: Table, connection: Connection, **_: Any) -> None:
    # The one head row exists from the start, so two first appends never race to create it.
    connection.execute(target.insert().values(**HEAD_ROW))
