"""The honours registry, the administrators' calendar overrides and loaded calendar years."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class HonourRecord(Base):
    __tablename__ = "honour_records"
    __table_args__ = (Index("ix_honour_records_person", "person_name", "birth_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date]
    honour: Mapped[str] = mapped_column(String(200))
    honour_level: Mapped[str] = mapped_column(String(20))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"))
    awarded_on: Mapped[date]
    revoked_on: Mapped[date | None]
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class CalendarOverride(Base):
    """An administrator's correction to the working-day calendar."""

    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_working_day: Mapped[bool]
    note: Mapped[str] = mapped_column(String(200), default="")


class CalendarYear(Base):
    """A year's official holiday schedule as loaded by an administrator; it replaces the
    holiday package's answer for that year. Loading the year again replaces the row."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # `workflow.calendar_schedule.YearSchedule.as_json`: holidays by name and range, make-up days.
    schedule: Mapped[dict[str, Any]]
    # A digest of the days: processes compare it to know their cached copy is current.
    checksum: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(200))
    loaded_by: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime]
