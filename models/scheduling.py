"""Deadlines as rows, and the email outbox: both written in the transaction that causes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

PENDING, FIRED, CANCELLED = "pending", "fired", "cancelled"
# Outbox message states: pending -> sending (claimed, with a lease) -> sent | failed;
# `digested` when a digest or summary carried it instead; `held` while it waits to be folded
# into a summary (an escalation to the campaign office, until its sweep ends).
SENDING, SENT, FAILED, DIGESTED, HELD = "sending", "sent", "failed", "digested", "held"


class Deadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"), index=True)
    # Indexed: a finished task cancels its reminders and escalations by task id.
    task_id: Mapped[int | None] = mapped_column(ForeignKey("review_tasks.id"), index=True)
    objection_id: Mapped[int | None] = mapped_column(ForeignKey("objections.id"))
    kind: Mapped[str] = mapped_column(String(40))  # stage_due, reminder, notice_end, ...
    stage: Mapped[str | None] = mapped_column(String(40))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    fired_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # What firing did ("withdrew the nomination", "skipped: task already done"), for the record.
    outcome: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

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
    # When the relay may (re)try it: now for a new message, later after a 4xx (backoff).
    next_attempt_at: Mapped[datetime | None]
    # A sender's claim: another sender may take the message over only after this lease runs out.
    claimed_until: Mapped[datetime | None]
    subject: Mapped[str | None] = mapped_column(String(300))


class TemplateOverride(Base):
    """An administrator's version of one message template for one campaign and language."""

    __tablename__ = "template_overrides"
    __table_args__ = (UniqueConstraint("campaign_id", "kind", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    kind: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(Text)
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]
