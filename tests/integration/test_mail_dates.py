"""Dates in e-mails, delivered through a real SMTP server: a reminder's due date is the end of
its last day (24时, Beijing time), never the next day's 00:00."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Deadline, ReviewTask
from models.uow import UnitOfWork
from tests.conftest import make_campaign
from tests.integration.flow import add, fire
from tests.integration.test_relay import send
from tests.smtp_server import RecordingSMTPServer
from workflow.services import deadlines


@pytest.fixture
def smtp() -> Iterator[RecordingSMTPServer]:
    with RecordingSMTPServer() as server:
        yield server


def test_a_reminder_names_the_end_of_the_last_day(
    sf: sessionmaker[Session], smtp: RecordingSMTPServer
) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    fire(sf, nomination, "submit")
    fire(sf, nomination, "begin_review")
    with UnitOfWork(sf) as uow:
        due = uow.session.scalars(select(ReviewTask.due_at)).one()
        remind_at = min(
            uow.session.scalars(select(Deadline.due_at).where(Deadline.kind.like("reminder%")))
        )
    assert due is not None
    # Worked out by hand: Beijing is UTC+8; a due instant at Beijing midnight ends the day before.
    beijing = due + timedelta(hours=8)
    assert (beijing.hour, beijing.minute) == (0, 0)
    last = (beijing - timedelta(days=1)).date()
    with UnitOfWork(sf) as uow:
        deadlines.sweep(uow, remind_at)
    send(sf, smtp, remind_at)
    [reminder] = [m for m in smtp.messages if m["X-Honorflow-Kind"] == "reminder"]
    text = reminder.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = reminder.get_body(("html",)).get_content()  # type: ignore[union-attr]
    words = f"{last.year}年{last.month}月{last.day}日24时（北京时间）"
    assert f"请于{words}前" in text, text
    assert words in html
    after = beijing.date()
    for body in (text, html):
        assert "00:00" not in body and f"{after.month}月{after.day}日" not in body
    [assigned] = [m for m in smtp.messages if m["X-Honorflow-Kind"] == "task_assigned"]
    assert words in assigned.get_body(("plain",)).get_content()  # type: ignore[union-attr]
