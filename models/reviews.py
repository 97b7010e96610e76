"""Review tasks queued for reviewers, and objections raised during the public notice."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

TASK_OPEN, TASK_CLAIMED, TASK_DONE, TASK_CANCELLED = "open", "claimed", "done", "cancelled"


class ReviewTask(Base):
    __tablename__ = "review_tasks"
    __table_args__ = (
        Index("ix_review_tasks_queue", "department", "status", "due_at"),
        Index("ix_review_tasks_nomination", "nomination_id", "stage"),
        # The reviewer queue (open and claimed tasks of a department and role, soonest due
        # first): only the few live tasks, in the queue's order, so a page is read straight
        # off the index and the count never touches the done and cancelled majority.
        Index(
            "ix_review_tasks_open_queue",
            "department",
            "role",
            "due_at",
            "id",
            postgresql_where=text("status IN ('open', 'claimed')"),
            sqlite_where=text("status IN ('open', 'claimed')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    stage: Mapped[str] = mapped_column(String(40))
    department: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(40))
    assignee: Mapped[str | None] = mapped_column(String(100))
    # The account that claimed the task; ownership is decided by it, the name is for display.
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=TASK_OPEN)
    outcome: Mapped[str | None] = mapped_column(String(20))
    opinion: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)


OBJECTION_OPEN, OBJECTION_UPHELD, OBJECTION_DISMISSED = "open", "upheld", "dismissed"
# The unit has answered with its findings; the working team decides upheld or dismissed.
OBJECTION_ANSWERED = "answered"
# The unit did not answer the investigation in time; the nomination counts as withdrawn.
OBJECTION_LAPSED = "lapsed"


class Objection(Base):
    """An objection (异议) to a nominee under notice; it opens an investigation by the unit.

    The unit answers with its findings (`answer`); the working team decides (`decision_reason`).
    Rows decided before the team decided keep their unit's finding in `finding` alone.
    """

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    source: Mapped[str] = mapped_column(String(10))  # phone, letter, visit, web
    # What the objector quotes to follow the case: year and a random code (never the id).
    reference: Mapped[str | None] = mapped_column(String(20), unique=True, index=True)
    reporter_name: Mapped[str | None] = mapped_column(String(100))
    contact: Mapped[str | None] = mapped_column(String(200))
    unit_stamp: Mapped[str | None] = mapped_column(String(200))
    received_on: Mapped[date]
    content: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=OBJECTION_OPEN)
    finding: Mapped[str | None] = mapped_column(Text)
    answer_due_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    # The unit's investigation: its findings, when and by whom (the account, and the name).
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_by: Mapped[str | None] = mapped_column(String(100))
    # The working team's decision on the answered objection (`resolved_at` is its time).
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by: Mapped[str | None] = mapped_column(String(100))
