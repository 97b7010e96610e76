"""The committee decision's outcome for each nominee on the list, kept with the decision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class DecisionOutcome(Base):
    """One nominee's outcome in the committee's decision: written in the decision's own
    transaction, applied to the nomination afterwards in batches (`applied_at` set then)."""

    __tablename__ = "decision_outcomes"
    # The appliers' one question: a campaign's outcomes still to apply, in nomination order.
    __table_args__ = (
        Index("ix_decision_outcomes_pending", "applied_at", "campaign_id", "nomination_id"),
    )

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), primary_key=True)
    approved: Mapped[bool]
    # The exception's reason; None when approved or for an alternate never called up.
    reason: Mapped[str | None] = mapped_column(Text)
    applied_at: Mapped[datetime | None]
