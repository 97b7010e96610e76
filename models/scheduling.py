"""Deadlines as rows, and the email outbox: both written in the transaction that causes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

PENDING, FIRED, CANCELLED = "pending", "fired", "cancelled"


class Deadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("review_tasks.id"))
    objection_id: Mapped[int | None] = mapped_column(ForeignKey("objections.id"))
    kind: Mapped[str] = mapped_column(String(40))  # stage_due, reminder, notice_end, ...
    stage: Mapped[str | None] = mapped_column(String(40))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    fired_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(200))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"))
    context: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
