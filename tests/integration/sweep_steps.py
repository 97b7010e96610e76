"""Shared steps of the deadline-sweep tests: sweep at a time, read the messages, local times."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import OutboxMessage
from models.uow import UnitOfWork
from tests.conftest import make_campaign
from tests.integration.flow import add, fire
from workflow.calendar import SHANGHAI
from workflow.services import deadlines


def sweep(sf: sessionmaker[Session], at: datetime) -> deadlines.SweepResult:
    with UnitOfWork(sf) as uow:
        return deadlines.sweep(uow, at)


def messages(sf: sessionmaker[Session], kind: str) -> list[OutboxMessage]:
    with UnitOfWork(sf) as uow:
        rows = list(
            uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )
        uow.session.expunge_all()
        return rows


def in_qualification(sf: sessionmaker[Session]) -> int:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    fire(sf, nomination, "submit")
    fire(sf, nomination, "begin_review")
    return nomination


def local(hour_day: str) -> datetime:
    return datetime.fromisoformat(hour_day).replace(tzinfo=SHANGHAI)
