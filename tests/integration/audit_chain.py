"""Shared step of the integrity tests: verify the hash-chained audit."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from models.uow import UnitOfWork
from workflow import audit_verify


def _verify(sf: sessionmaker[Session]) -> audit_verify.ChainReport:
    with UnitOfWork(sf) as uow:
        return audit_verify.verify(uow.session)
