"""`write_now`: a loaded row's columns written in one UPDATE checked against its version, and
the row object left with nothing for the ORM to write again; a row changed since it was
loaded is refused as the ORM's flush refuses it, and a state change then changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, event, text, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from models import Nomination, ReviewTask
from models.uow import UnitOfWork
from tests.conftest import T0, make_campaign
from tests.integration.flow import add, complete, fire, open_tasks, status
from workflow import effects
from workflow.errors import ConcurrentChange
from workflow.repository import lock_nomination, write_now


def _statements(engine: Engine) -> list[str]:
    sent: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement.split()[0].upper())

    event.listen(engine, "before_cursor_execute", seen)
    return sent


def test_the_row_is_written_once_and_its_version_moves(
    sf: sessionmaker[Session], engine: Engine
) -> None:
    nomination_id = add(sf, make_campaign(sf))
    with UnitOfWork(sf) as uow:
        row = lock_nomination(uow, nomination_id)
        before = row.version
        sent = _statements(engine)
        write_now(uow, row, {"end_reason": "核对", "updated_at": T0})
        assert (row.end_reason, row.version) == ("核对", before + 1)
        assert not uow.session.dirty  # nothing left for the ORM to write
        uow.commit()
    assert sent.count("UPDATE") == 1  # the commit's flush wrote nothing more
    again = status(sf, nomination_id)
    assert (again.end_reason, again.version) == ("核对", before + 1)


def test_a_row_changed_since_it_was_loaded_is_refused_and_nothing_is_written(
    sf: sessionmaker[Session],
) -> None:
    nomination_id = add(sf, make_campaign(sf))
    with UnitOfWork(sf) as uow:
        row = uow.session.get(Nomination, nomination_id)
        assert row is not None
        # Another writer moves the row's version underneath the loaded object.
        uow.session.execute(
            update(Nomination)
            .where(Nomination.id == nomination_id)
            .values(version=Nomination.version + 1)
            .execution_options(synchronize_session=False)
        )
        with pytest.raises(StaleDataError):
            write_now(uow, row, {"end_reason": "不应写入"})
        uow.session.rollback()
    assert status(sf, nomination_id).end_reason is None


def test_a_state_change_that_lost_the_race_changes_nothing(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The version check of the state's own write turns a lost race into ConcurrentChange,
    with no task, deadline or event of the change left behind."""
    nomination_id = add(sf, make_campaign(sf))
    fire(sf, nomination_id, "submit")
    real = effects.write_now

    def behind_our_back(uow: UnitOfWork, row: Any, values: dict[str, Any]) -> None:
        uow.session.execute(
            text("UPDATE nominations SET version = version + 1 WHERE id = :id"),
            {"id": nomination_id},
        )
        real(uow, row, values)

    monkeypatch.setattr(effects, "write_now", behind_our_back)
    with pytest.raises(ConcurrentChange):
        fire(sf, nomination_id, "begin_review")
    after = status(sf, nomination_id)
    assert after.status == "submitted"
    assert open_tasks(sf, nomination_id) == []


def test_a_completion_writes_the_task_once(sf: sessionmaker[Session], engine: Engine) -> None:
    """The task's answer, assignee and status go in one UPDATE; nothing is flushed after."""
    nomination_id = add(sf, make_campaign(sf))
    fire(sf, nomination_id, "submit")
    fire(sf, nomination_id, "begin_review")
    [task] = open_tasks(sf, nomination_id)
    sent: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE REVIEW_TASKS SET"):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    complete(sf, task.id, "pass", opinion="符合条件")
    event.remove(engine, "before_cursor_execute", seen)
    with UnitOfWork(sf) as uow:
        done = uow.session.get(ReviewTask, task.id)
        assert done is not None
        assert (done.status, done.outcome, done.opinion) == ("done", "pass", "符合条件")
        assert done.version == task.version + 1
    # One write of the task itself; the stage's set-based cancel of live tasks is the other.
    assert sum("review_tasks.id = " in s for s in sent) == 1


def test_a_savepoint_rolled_back_leaves_the_row_as_the_database_kept_it(
    sf: sessionmaker[Session],
) -> None:
    """The sweep fires each deadline in a savepoint: a write undone there must not stay on
    the row object (the ORM would otherwise keep showing the undone state)."""
    nomination_id = add(sf, make_campaign(sf))
    with UnitOfWork(sf) as uow:
        row = lock_nomination(uow, nomination_id)
        write_now(uow, row, {"end_reason": "保留"})
        with pytest.raises(RuntimeError), uow.session.begin_nested():
            write_now(uow, row, {"end_reason": "撤销", "updated_at": T0})
            raise RuntimeError("the action broke")
        assert row.end_reason == "保留"  # reloaded: the savepoint's write is gone
        assert row.version == 2
        write_now(uow, row, {"updated_at": T0})  # its version is the database's again
        uow.commit()
    after = status(sf, nomination_id)
    assert (after.end_reason, after.version) == ("保留", 3)


def test_a_change_the_orm_holds_is_written_first_and_the_version_follows(
    sf: sessionmaker[Session],
) -> None:
    """A row changed through the ORM earlier in the transaction (an alternate stepped up
    before a bulk action reaches it) is written, then the state, each moving the version."""
    nomination_id = add(sf, make_campaign(sf))
    with UnitOfWork(sf) as uow:
        row = lock_nomination(uow, nomination_id)
        row.summary = "修改后的事迹简介"  # pending in the session, not yet flushed
        write_now(uow, row, {"end_reason": "核对"})
        uow.commit()
    after = status(sf, nomination_id)
    assert (after.summary, after.end_reason, after.version) == ("修改后的事迹简介", "核对", 3)
