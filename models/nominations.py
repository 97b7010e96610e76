"""The nomination row: the nominee's record and where it stands in the procedure."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from models.base import Base
from models.campaigns import Campaign, RecommendingUnit
from models.definitions import DefinitionVersion


class Nomination(Base):
    __tablename__ = "nominations"
    __table_args__ = (
        Index("ix_nominations_campaign_status", "campaign_id", "status"),
        Index("ix_nominations_campaign_unit", "campaign_id", "unit_id"),
        # A unit's place count (workflow.rules.quota) reads only this index, never the rows.
        Index(
            "ix_nominations_unit_places",
            "campaign_id",
            "unit_id",
            "rank",
            "status",
            "category",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("recommending_units.id"))
    # Pinned at creation: a nomination in flight keeps its definition version.
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"))
    status: Mapped[str] = mapped_column(String(40), default="draft")
    rank: Mapped[str] = mapped_column(String(10), default="main")  # main or alternate
    alternate_order: Mapped[int | None]
    name: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date]
    category: Mapped[str] = mapped_column(String(40))
    employer: Mapped[str] = mapped_column(String(200))
    employer_type: Mapped[str] = mapped_column(String(40))
    honour: Mapped[str] = mapped_column(String(200))
    # Every fact the rules read (workflow.facts.NomineeFacts as JSON).
    facts: Mapped[dict[str, Any]]
    summary: Mapped[str] = mapped_column(Text, default="")
    deeds: Mapped[str] = mapped_column(Text, default="")
    stage_entered_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    end_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)

    campaign: Mapped[Campaign] = relationship(lazy="joined", viewonly=True)
    unit: Mapped[RecommendingUnit] = relationship(lazy="joined", viewonly=True)
    definition: Mapped[DefinitionVersion] = relationship(lazy="joined", viewonly=True)


class OfficialLevel(FunctionElement[str]):
    """`facts.official_level` as text, written out (no bound path) so its index is usable.

    The unit rules count a unit's officials by it (workflow.rules.quota), through
    `ix_nominations_unit_official`: without the index each count parsed every nominee's facts.
    """

    type = String()
    name = "official_level"
    inherit_cache = True


@compiles(OfficialLevel)
def _official_level_sqlite(element: OfficialLevel, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_extract({compiler.process(element.clauses, **kw)}, '$.official_level')"


@compiles(OfficialLevel, "postgresql")
def _official_level_pg(element: OfficialLevel, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} ->> 'official_level')"


def official_level() -> OfficialLevel:
    """The nominee's official level, as the index `ix_nominations_unit_official` holds it."""
    return OfficialLevel(Nomination.__table__.c.facts)


Index(
    "ix_nominations_unit_official",
    Nomination.__table__.c.campaign_id,
    Nomination.__table__.c.unit_id,
    official_level(),
    Nomination.__table__.c.rank,
)
