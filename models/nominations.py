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

# The nomination's fixed states, the values of its status column that every definition shares
# (a definition's stages add the rest). Kept here, with the column, because the place tally
# (models/place_tally.py) sorts rows by them in the database; workflow/states.py names what
# they mean for the procedure.
DRAFT, SUBMITTED, AWARDED, REVOKED = "draft", "submitted", "awarded", "revoked"
# Ends of the road; a nomination in one of these is no longer open.
END_STATES: tuple[str, ...] = (
    "disqualified",
    "vetoed",
    "removed",
    "not_approved",
    "withdrawn",
    REVOKED,
)


class Nomination(Base):
    __tablename__ = "nominations"
    __table_args__ = (
        Index("ix_nominations_campaign_status", "campaign_id", "status"),
        Index("ix_nominations_campaign_unit", "campaign_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("recommending_units.id"))
    # Pinned at creation: a nomination in flight keeps its definition version.
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"))
    status: Mapped[str] = mapped_column(String(40), default=DRAFT)
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
    """`facts.official_level` as text, written out (no bound path), as the place tally keys it.

    The unit rules count a unit's officials by it (workflow.rules.quota) from the tally
    (models/place_tally.py), whose triggers read it from each row they count.
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
    """The nominee's official level (NULL when the nominee is no official)."""
    return OfficialLevel(Nomination.__table__.c.facts)
