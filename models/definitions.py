"""Stored workflow definition versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class DefinitionVersion(Base):
    """One version of a named definition; a changed file makes a new row, never an update."""

    __tablename__ = "definition_versions"
    __table_args__ = (
        UniqueConstraint("name", "version"),
        UniqueConstraint("name", "checksum", name="uq_definition_versions_name_checksum"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int]
    checksum: Mapped[str] = mapped_column(String(64))
    # Deferred: every nomination loaded for a change joins its version, and the YAML text
    # (tens of KB) is read once per process by `workflow.versions.definition_of`.
    source: Mapped[str] = mapped_column(Text, deferred=True)
    loaded_at: Mapped[datetime]

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"
