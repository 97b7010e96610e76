"""What one review completion costs: one audit event, and a bounded number of statements.

A completion that moves the nomination records both in the transition's event (its payload
names the task and the outcome); one that leaves the stage waiting records the task alone.
The statement ceilings are today's counts: a statement more per completion fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Deadline, ReviewTask
from models.uow import UnitOfWork
from tests.conftest import T0, make_campaign
from tests.integration.flow import TEAM, add, fire, open_tasks, status
from workflow import audit_verify
from workflow.actors import Actor
from workflow.services import reviews

OFFICE = Actor("办公室", "admin")
# Statements per completion (PostgreSQL and SQLite alike); before one completion was one
# audit event these were 22, 10 and 19.
PASS_CEILING = 17  # a team review's pass, entering joint review (two departments' tasks)
WAITING_CEILING = 8  # a joint review's clear while another department has not answered
FINAL_CEILING = 15  # the last department's clear: asks for open tasks, then moves the nomination on


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements the engine sends while the block runs (SQLite's BEGIN, which
    PostgreSQL's driver sends unseen, left out)."""
    sent: list[str] = []

    def seen(conn: object, cursor: object, sql: str, *args: object) -> None:
        if not sql.startswith("BEGIN"):
            sent.append(sql)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def _events(sf: sessionmaker[Session]) -> list[AuditEvent]:
    with UnitOfWork(sf) as uow:
        rows = list(uow.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        uow.session.expunge_all()
        return rows


def _complete(
    engine: Engine, sf: sessionmaker[Session], task: int, outcome: str, actor: Actor
) -> tuple[list[AuditEvent], int]:
    """Complete one task: the audit events it appended and the statements it sent."""
    before = len(_events(sf))
    with statements(engine) as sent, UnitOfWork(sf) as uow:
        reviews.complete(uow, task, actor, outcome, "经核查，同意", T0)
    return _events(sf)[before:], len(sent)


@pytest.fixture
def in_qualification(sf: sessionmaker[Session]) -> int:
    nomination = add(sf, make_campaign(sf), "nc")
    fire(sf, nomination, "submit")
    fire(sf, nomination, "begin_review")
    return nomination


def test_a_completion_that_moves_the_nomination_is_one_event_naming_both(
    engine: Engine, sf: sessionmaker[Session], in_qualification: int
) -> None:
    [task] = open_tasks(sf, in_qualification)
    appended, sent = _complete(engine, sf, task.id, "pass", TEAM)

    assert len(appended) == 1
    [done] = appended
    assert (done.trigger, done.from_state, done.to_state) == (
        "pass",
        "qualification",
        "joint_review",
    )
    assert done.reason == "经核查，同意" and done.actor == TEAM.label
    assert done.payload == {
        "task_id": task.id, "department": "working_team", "stage": "qualification",
        "outcome": "pass",
    }  # fmt: skip
    assert sent <= PASS_CEILING
    with UnitOfWork(sf) as uow:
        row = uow.session.get_one(ReviewTask, task.id)
        assert (row.status, row.outcome, row.assignee) == ("done", "pass", TEAM.name)
        pending = select(func.count()).where(
            Deadline.task_id == task.id, Deadline.status == "pending"
        )
        assert uow.session.scalar(pending) == 0
        assert audit_verify.verify(uow.session).ok


def test_joint_review_completions_are_one_event_each_waiting_or_deciding(
    engine: Engine, sf: sessionmaker[Session], in_qualification: int
) -> None:
    fire(sf, in_qualification, "pass", TEAM)
    first, last = open_tasks(sf, in_qualification)

    appended, sent = _complete(engine, sf, first.id, "clear", OFFICE)
    assert [(e.trigger, e.from_state, e.to_state) for e in appended] == [("task_clear", None, None)]
    assert appended[0].payload == {
        "task_id": first.id, "department": first.department, "stage": "joint_review",
    }  # fmt: skip
    assert sent <= WAITING_CEILING
    assert status(sf, in_qualification).status == "joint_review"
    with UnitOfWork(sf) as uow:  # the waiting task's reminders are over, the other's are not
        pending = select(Deadline.task_id).where(Deadline.status == "pending")
        assert set(uow.session.scalars(pending)) == {last.id}

    appended, sent = _complete(engine, sf, last.id, "clear", OFFICE)
    assert [(e.trigger, e.from_state, e.to_state) for e in appended] == [
        ("clear", "joint_review", "inspection")
    ]
    payload = appended[0].payload or {}
    assert (payload["task_id"], payload["outcome"]) == (last.id, "clear")
    assert sent <= FINAL_CEILING
    with UnitOfWork(sf) as uow:
        assert audit_verify.verify(uow.session).ok
