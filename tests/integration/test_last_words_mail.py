"""A message the relay gives up on records why in Chinese; the same words exist in English."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config.catalogue import msg
from models import OutboxMessage
from models.uow import UnitOfWork
from notifications import delivery
from tests.conftest import T0, make_campaign
from tests.integration.flow import add, fire


def test_giving_up_after_the_last_attempt_is_recorded_in_chinese(
    sf: sessionmaker[Session],
) -> None:
    nomination = add(sf, make_campaign(sf))
    fire(sf, nomination, "submit")
    fire(sf, nomination, "begin_review")  # one task_assigned message
    with UnitOfWork(sf) as uow:
        message_id = uow.session.scalars(select(OutboxMessage.id)).one()
    attempts = delivery.MAX_ATTEMPTS
    with UnitOfWork(sf) as uow:
        assert delivery.claim(uow, message_id, T0) is not None
    with UnitOfWork(sf) as uow:
        assert delivery.mark_transient(uow, message_id, T0, attempts, "451 稍后再试")
    with UnitOfWork(sf) as uow:
        row = uow.session.get_one(OutboxMessage, message_id)
        assert row.status == "failed"
        assert row.last_error == f"已尝试发送{attempts}次，不再重试：451 稍后再试"
    english = msg("mail.send.gave_up", attempts=attempts, error="451 try later").render("en")
    assert english == f"gave up after {attempts} attempts: 451 try later"
