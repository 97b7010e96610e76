"""Rate-limit hits: one row per counted attempt, shared by every process of a deployment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class RateLimitHit(Base):
    """One attempt counted against a limit (`bucket`) for a key (an address, an account).

    The key is stored as its SHA-256, so the table holds no usernames or addresses. Rows older
    than the longest window are deleted as new ones are written.
    """

    __tablename__ = "rate_limit_hits"
    __table_args__ = (Index("ix_rate_limit_hits_bucket_key_at", "bucket", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(index=True)
