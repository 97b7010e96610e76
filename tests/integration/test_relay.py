"""Delivering the outbox to a real SMTP server on loopback: every kind, retries, digests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from models import Campaign, OutboxMessage
from models.scheduling import DIGESTED
from models.uow import UnitOfWork
from notifications import delivery, outbox
from notifications.relay import relay
from notifications.render import TemplateSource, shipped_source
from notifications.transport import SmtpTransport
from tests.conftest import ADMIN, T0, make_campaign
from tests.integration.flow import (
    AFTER_NOTICE,
    SECRETARY,
    TEAM,
    add,
    clerk,
    fire,
    to_notice,
)
from tests.smtp_server import RecordingSMTPServer
from workflow.errors import TemplateProblem
from workflow.services import committee, deadlines, digest, mail, objections, templates

LATER = AFTER_NOTICE + timedelta(days=7)  # past every deadline of the campaign


@pytest.fixture
def smtp() -> Iterator[RecordingSMTPServer]:
    with RecordingSMTPServer() as server:
        yield server


def settings_for(server: RecordingSMTPServer) -> Settings:
    return Settings(smtp_host="127.0.0.1", smtp_port=server.port, site_url="https://hf.example")


def send(sf: sessionmaker[Session], server: RecordingSMTPServer, at: datetime) -> Counter[str]:
    settings = settings_for(server)
    transport = SmtpTransport("127.0.0.1", server.port)
    return relay(lambda: UnitOfWork(sf), transport, lambda: at, settings)


def statuses(sf: sessionmaker[Session]) -> Counter[str]:
    with UnitOfWork(sf) as uow:
        return Counter(uow.session.scalars(select(OutboxMessage.status)))


def busy_campaign(sf: sessionmaker[Session]) -> int:
    """A campaign whose nominations produced every kind of message a flow can produce."""
    campaign_id = make_campaign(sf)
    awarded, objected, returned, waiting = (
        add(sf, campaign_id, unit, n)
        for unit, n in (("nc", "甲"), ("nc", "乙"), ("gz", "丙"), ("gz", "丁"))
    )
    for nomination in (awarded, objected):
        to_notice(sf, nomination)
    fire(sf, returned, "submit")
    fire(sf, returned, "begin_review")
    fire(sf, returned, "return_material", TEAM, reason="缺推荐表")
    fire(sf, waiting, "submit")
    fire(sf, waiting, "begin_review")  # its task is left to be reminded and escalated
    data = objections.ObjectionInput("letter", "反映问题", date(2026, 3, 3), "李四", "138")
    with UnitOfWork(sf) as uow:
        objection = objections.record_objection(uow, objected, data, ADMIN, T0).id
    with UnitOfWork(sf) as uow:
        objections.answer_objection(uow, objection, "属实", clerk("nc"), T0)
    with UnitOfWork(sf) as uow:
        objections.decide_objection(uow, objection, "upheld", "属实", TEAM, T0)
    fire(sf, awarded, "close_notice", TEAM, AFTER_NOTICE)
    with UnitOfWork(sf) as uow:
        committee.decide(uow, campaign_id, SECRETARY, AFTER_NOTICE, override_reason="测试名单")
    with UnitOfWork(sf) as uow:
        deadlines.sweep(uow, LATER)  # reminders, escalations, the lapsed return
    return campaign_id


def test_every_message_of_a_campaign_is_delivered_once(
    sf: sessionmaker[Session], smtp: RecordingSMTPServer
) -> None:
    busy_campaign(sf)
    sent = send(sf, smtp, LATER)
    assert set(sent) == {"sent"}
    kinds = {m["X-Honorflow-Kind"] or "" for m in smtp.messages}
    with UnitOfWork(sf) as uow:
        # Escalations to the office went out folded into its summary (`digested`).
        rows = uow.session.execute(select(OutboxMessage.kind, OutboxMessage.status)).all()
        queued = Counter(kind for kind, status in rows if status != DIGESTED)
    assert sent["sent"] == sum(queued.values()) == len(smtp.messages)
    assert {("escalation", DIGESTED), ("escalation_summary", "sent")} <= set(rows)
    assert {"task_assigned", "reminder", "escalation_summary", "objection_received"} <= set(queued)
    assert {"objection_outcome", "nomination_ended", "committee_result"} <= set(queued)
    assert {"returned_for_material"} <= set(queued)
    assert kinds == set(queued)  # every message parsed and says what it is
    for message in smtp.messages:
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        assert text is not None and html is not None
        assert "https://hf.example" in text.get_content()
    # A second relay finds nothing left to send.
    assert send(sf, smtp, LATER + timedelta(hours=1)) == Counter()
    assert len({m["Message-ID"] for m in smtp.messages}) == len(smtp.messages)


def seed_message(sf: sessionmaker[Session]) -> int:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    fire(sf, nomination, "submit")
    fire(sf, nomination, "begin_review")  # one task_assigned message
    with UnitOfWork(sf) as uow:
        return uow.session.scalars(select(OutboxMessage.id)).one()


def test_a_claimed_message_is_not_sent_by_another_sender_until_its_lease_ends(
    sf: sessionmaker[Session],
) -> None:
    message_id = seed_message(sf)
    with UnitOfWork(sf) as uow:
        assert delivery.claim(uow, message_id, T0) is not None
    with UnitOfWork(sf) as uow:
        assert delivery.claim(uow, message_id, T0 + timedelta(minutes=1)) is None
    with UnitOfWork(sf) as uow:  # the first sender died: its lease runs out
        again = delivery.claim(uow, message_id, T0 + delivery.LEASE + timedelta(seconds=1))
    assert again is not None and again.attempts == 2
    with UnitOfWork(sf) as uow:  # the dead sender's late result is not recorded over it
        assert delivery.mark_sent(uow, message_id, T0, "s") is True
        assert delivery.mark_sent(uow, message_id, T0, "s") is False


def test_451_is_retried_with_backoff_then_delivered_once(
    sf: sessionmaker[Session], smtp: RecordingSMTPServer
) -> None:
    message_id = seed_message(sf)
    smtp.fail_next(code=451, times=2)
    assert send(sf, smtp, T0) == Counter({"retry": 1})
    assert send(sf, smtp, T0 + timedelta(seconds=59)) == Counter()  # not yet due
    assert send(sf, smtp, T0 + timedelta(minutes=1)) == Counter({"retry": 1})
    with UnitOfWork(sf) as uow:
        row = uow.session.get_one(OutboxMessage, message_id)
        assert row.next_attempt_at == T0 + timedelta(minutes=3)  # 1 then 2 minutes
        assert row.last_error and "451" in row.last_error
    assert send(sf, smtp, T0 + timedelta(minutes=3)) == Counter({"sent": 1})
    assert len(smtp.messages) == 1


def test_550_fails_and_an_administrator_retries_it(
    sf: sessionmaker[Session], smtp: RecordingSMTPServer
) -> None:
    message_id = seed_message(sf)
    smtp.fail_next(code=550, times=1)
    assert send(sf, smtp, T0) == Counter({"failed": 1})
    with UnitOfWork(sf) as uow:
        (failed,) = outbox.list_messages(uow, status="failed")
        assert failed.id == message_id and "550" in (failed.last_error or "")
    with UnitOfWork(sf) as uow:
        assert mail.retry_failed(uow, ADMIN, T0) == 1
    assert send(sf, smtp, T0) == Counter({"sent": 1})
    assert statuses(sf) == Counter({"sent": 1})


def test_a_digest_campaign_sends_one_message_per_reviewer(
    sf: sessionmaker[Session], smtp: RecordingSMTPServer
) -> None:
    campaign_id = make_campaign(sf)
    with UnitOfWork(sf) as uow:
        uow.session.get_one(Campaign, campaign_id).daily_digest = True
        uow.commit()
    for name in ("甲", "乙", "丙"):
        nomination = add(sf, campaign_id, "nc", name)
        fire(sf, nomination, "submit")
        fire(sf, nomination, "begin_review")
    assert send(sf, smtp, T0) == Counter({"digested": 3})
    morning = T0 + timedelta(days=1)
    for _ in range(2):  # a beat restarted in the morning runs the digest twice
        with UnitOfWork(sf) as uow:
            digest.queue_daily_digests(uow, morning)
    assert send(sf, smtp, morning) == Counter({"sent": 1})
    (message,) = smtp.messages
    body = message.get_body(("plain",))
    assert body is not None
    assert all(name in body.get_content() for name in ("甲", "乙", "丙"))


def test_an_override_is_validated_and_then_used(
    sf: sessionmaker[Session], smtp: RecordingSMTPServer
) -> None:
    seed_message(sf)
    shipped = shipped_source("task_assigned")
    broken = TemplateSource("{{ nominee }} {{ no_such_thing }}", shipped.text, shipped.html)
    with UnitOfWork(sf) as uow, pytest.raises(TemplateProblem, match="no_such_thing"):
        templates.set_override(uow, 1, "task_assigned", "zh-CN", broken, ADMIN, T0)
    mine = TemplateSource("请审核：{{ nominee }}", shipped.text, shipped.html)
    with UnitOfWork(sf) as uow:
        templates.set_override(uow, 1, "task_assigned", "zh-CN", mine, ADMIN, T0)
    send(sf, smtp, T0)
    (message,) = smtp.messages
    assert message["Subject"] == "请审核：张三"


def test_a_stored_context_that_does_not_fit_its_kind_fails_with_the_field_named(
    sf: sessionmaker[Session], smtp: RecordingSMTPServer
) -> None:
    message_id = seed_message(sf)
    with UnitOfWork(sf) as uow:
        row = uow.session.get_one(OutboxMessage, message_id)
        row.context = {k: v for k, v in row.context.items() if k != "nominee"} | {"colour": 1}
        uow.commit()
    assert send(sf, smtp, T0) == Counter({"failed": 1})
    assert smtp.messages == []
    with UnitOfWork(sf) as uow:
        error = uow.session.get_one(OutboxMessage, message_id).last_error or ""
    assert "邮件“新审核任务”的内容：未知的字段colour" in error
    assert "缺少字段nominee" in error
