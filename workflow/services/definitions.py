"""Loading definition versions and getting the shared machine of a version."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from config.catalogue import msg
from models import DefinitionVersion
from models.uow import UnitOfWork
from workflow.actors import Actor, require_role
from workflow.definition_loading import checksum, load_definition_file
from workflow.errors import NotFound
from workflow.machine import NominationMachine, machine_for
from workflow.repository import commit
from workflow.versions import definition_of as definition_of


def load_definition(uow: UnitOfWork, path: Path, now: datetime) -> tuple[DefinitionVersion, bool]:
    """Store a definition file: a new version if its content changed; returns (row, created)."""
    definition, raw = load_definition_file(path)
    digest = checksum(raw)
    session = uow.session
    existing = session.scalars(
        select(DefinitionVersion).where(
            DefinitionVersion.name == definition.name, DefinitionVersion.checksum == digest
        )
    ).one_or_none()
    if existing is not None:
        return existing, False
    latest = session.scalar(
        select(func.max(DefinitionVersion.version)).where(DefinitionVersion.name == definition.name)
    )
    row = DefinitionVersion(
        name=definition.name,
        version=(latest or 0) + 1,
        checksum=digest,
        source=path.read_text(encoding="utf-8"),
        loaded_at=now,
    )
    session.add(row)
    commit(uow)
    return row, True


def publish_definition(
    uow: UnitOfWork, actor: Actor, path: Path, now: datetime
) -> tuple[DefinitionVersion, bool]:
    """An administrator stores a definition file (see `load_definition`)."""
    require_role(actor, "admin")
    return load_definition(uow, path, now)


def latest_version(uow: UnitOfWork, name: str) -> DefinitionVersion:
    """The newest version of a named definition."""
    row = uow.session.scalars(
        select(DefinitionVersion)
        .where(DefinitionVersion.name == name)
        .order_by(DefinitionVersion.version.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFound(msg("error.definition_not_loaded", name=name))
    return row


def machine_of(row: DefinitionVersion) -> NominationMachine:
    """The one machine shared by every nomination pinned to this version."""
    return machine_for(row.checksum, definition_of(row))
