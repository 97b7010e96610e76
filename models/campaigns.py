"""Campaigns, recommending units and the quota table."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.definitions import DefinitionVersion

# The phases of a campaign, in order.
PHASES: tuple[str, ...] = ("launch", "recommendation", "inspection_notice", "decided", "closed")


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    honour: Mapped[str] = mapped_column(String(200))
    honour_level: Mapped[str] = mapped_column(String(20))
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"))
    phase: Mapped[str] = mapped_column(String(30), default="launch")
    reference_date: Mapped[date]
    submission_deadline: Mapped[datetime | None]
    # Composition rules in force (copied from the definition, editable per campaign).
    composition: Mapped[list[Any]]
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decision_override: Mapped[str | None] = mapped_column(String(2000))
    # The campaign office (the notice's 落款 and how to reach it): its mailbox is `admin_email`,
    # the rest is set by `workflow.services.campaign_office` (None until an admin sets it).
    admin_email: Mapped[str] = mapped_column(String(200), default="office@example.org")
    office_name: Mapped[str | None] = mapped_column(String(100))
    office_phone: Mapped[str | None] = mapped_column(String(40))
    office_address: Mapped[str | None] = mapped_column(String(200))
    office_postcode: Mapped[str | None] = mapped_column(String(6))
    # The notice's wording when the campaign overrides the catalogue's defaults.
    notice_title: Mapped[str | None] = mapped_column(String(200))
    notice_opening: Mapped[str | None] = mapped_column(Text)
    # Reviewers get one daily digest of their open tasks instead of a message per task.
    daily_digest: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(String(10), default="zh-CN")

    definition: Mapped[DefinitionVersion] = relationship(lazy="joined")


class RecommendingUnit(Base):
    __tablename__ = "recommending_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30), default="city_union")
    email: Mapped[str | None] = mapped_column(String(200))


class QuotaAllocation(Base):
    """Places a unit holds in a campaign, optionally for one category; reserved = 单列."""

    __tablename__ = "quota_allocations"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", "category", "reserved"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("recommending_units.id"))
    category: Mapped[str | None] = mapped_column(String(40))
    places: Mapped[int]
    reserved: Mapped[bool] = mapped_column(default=False)

    unit: Mapped[RecommendingUnit] = relationship(lazy="joined")
