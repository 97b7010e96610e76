"""`models.direct`: the hot path's writes on the driver's cursor read back exactly as the same
statements sent through the session write them, raise SQLAlchemy's own exceptions, are seen
by the engine's listeners, and refuse what SQLAlchemy would have added on its own."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    bindparam,
    event,
    exc,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, CalendarOverride, Deadline, OutboxMessage, direct
from models.uow import UnitOfWork
from notifications import outbox
from tests.conftest import T0, make_campaign
from tests.integration.flow import add
from workflow import audit, calendar_store
from workflow.lifecycles import deadline

_EVENTS = cast(Table, AuditEvent.__table__)
_DEADLINES = cast(Table, Deadline.__table__)
_OUTBOX = cast(Table, OutboxMessage.__table__)
# Text, JSON and times as the hot path writes them: Chinese, nesting, microseconds, None.
_PAYLOAD = {"意见": "同意推荐", "figures": [1, 2.5, None], "nested": {"部门": "公安厅"}}
_AT = T0 + timedelta(microseconds=123456)


def _read(sf: sessionmaker[Session], table: Table, **where: Any) -> list[dict[str, Any]]:
    """The rows matching `where`, as plain dicts without their ids."""
    query = select(table).where(*(table.c[k] == v for k, v in where.items()))
    with sf() as session:
        return [
            {k: v for k, v in row._mapping.items() if k != "id"}
            for row in session.execute(query.order_by(table.c.id))
        ]


def _event(campaign_id: int, nomination_id: int, trigger: str) -> dict[str, Any]:
    return {
        "lane": 900,
        "seq": 1 if trigger == "session" else 2,
        "at": _AT,
        "actor": "工作组",
        "actor_user_id": None,
        "actor_username": "审核员甲",
        "campaign_id": campaign_id,
        "nomination_id": nomination_id,
        "trigger": trigger,
        "from_state": "submitted",
        "to_state": None,
        "reason": "资格初审通过",
        "payload": _PAYLOAD,
        "prev_hash": "0" * 64,
        "hash": "f" * 64,
        "key_id": None,
    }


def test_an_audit_event_reads_back_as_the_session_writes_it(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    nomination_id = add(sf, campaign_id)
    with UnitOfWork(sf) as uow:
        insert_event = audit._INSERT_EVENT
        uow.session.execute(insert_event, _event(campaign_id, nomination_id, "session"))
        direct.execute(uow.session, insert_event, _event(campaign_id, nomination_id, "direct"))
        uow.commit()
    by_session, by_direct = (
        _read(sf, _EVENTS, lane=900, trigger=trigger) for trigger in ("session", "direct")
    )
    assert len(by_session) == len(by_direct) == 1
    assert by_direct[0]["payload"] == _PAYLOAD and by_direct[0]["at"] == _AT
    for row in (*by_session, *by_direct):
        row.pop("trigger"), row.pop("seq")
    assert by_direct == by_session


def _deadline(campaign_id: int, nomination_id: int, kind: str, days: int) -> dict[str, Any]:
    return {
        "campaign_id": campaign_id,
        "nomination_id": nomination_id,
        "task_id": None,
        "objection_id": None,
        "kind": kind,
        "stage": "qualification",
        "due_at": _AT + timedelta(days=days),
        "status": "pending",
        "fired_at": None,
        "created_at": T0,
        "attempts": 0,
    }


def test_many_deadlines_in_one_call_read_back_as_the_session_writes_them(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    nomination_id = add(sf, campaign_id)
    rows = {
        kind: [_deadline(campaign_id, nomination_id, kind, d) for d in (1, 3, 5)]
        for kind in ("a", "b")
    }
    with UnitOfWork(sf) as uow:
        uow.session.execute(deadline._INSERT, rows["a"])
        direct.execute_many(uow.session, deadline._INSERT, rows["b"])
        uow.commit()
    by_session, by_direct = (_read(sf, _DEADLINES, kind=kind) for kind in ("a", "b"))
    assert [r["due_at"] for r in by_direct] == [_AT + timedelta(days=d) for d in (1, 3, 5)]
    for row in (*by_session, *by_direct):
        row.pop("kind")
    assert by_direct == by_session


def _message(campaign_id: int, key: str) -> dict[str, Any]:
    """An outbox row as `notifications.outbox` writes one."""
    return {
        "idempotency_key": key,
        "kind": "task_assigned",
        "recipient": "审核员 <reviewer@example.org>",
        "campaign_id": campaign_id,
        "nomination_id": None,
        "context": _PAYLOAD,
        "status": "pending",
        "attempts": 0,
        "created_at": T0,
    }


def test_a_returned_id_is_the_inserted_rows(sf: sessionmaker[Session]) -> None:
    row = _message(make_campaign(sf), "direct-1")
    with UnitOfWork(sf) as uow:
        written = direct.execute(uow.session, outbox._INSERT_MESSAGE, row)
        uow.commit()
    (stored,) = _read(sf, _OUTBOX, idempotency_key="direct-1")
    with sf() as session:
        assert (
            session.scalar(select(_OUTBOX.c.id).where(_OUTBOX.c.idempotency_key == "direct-1"))
            == written.scalar_one()
        )
    assert (written.rowcount, stored["context"], stored["created_at"]) == (1, _PAYLOAD, T0)


def test_an_update_reports_the_rows_it_matched_and_fixed_values_are_sent(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    nomination_id = add(sf, campaign_id)
    with UnitOfWork(sf) as uow:
        direct.execute_many(
            uow.session, deadline._INSERT, [_deadline(campaign_id, nomination_id, "c", 1)] * 2
        )
        cancel = (
            update(_DEADLINES)
            .where(_DEADLINES.c.kind == bindparam("of_kind"))
            .values(status="cancelled")  # a value fixed in the statement, not a parameter
        )
        assert direct.execute(uow.session, cancel, {"of_kind": "c"}).rowcount == 2
        assert direct.execute(uow.session, cancel, {"of_kind": "none"}).rowcount == 0
        uow.commit()
    assert {r["status"] for r in _read(sf, _DEADLINES, kind="c")} == {"cancelled"}


def test_a_refused_write_raises_sqlalchemys_error_and_the_transaction_recovers(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    row = _message(campaign_id, "twice")
    with UnitOfWork(sf) as uow:
        direct.execute(uow.session, outbox._INSERT_MESSAGE, row)
        with pytest.raises(exc.IntegrityError) as raised:
            direct.execute(uow.session, outbox._INSERT_MESSAGE, row)
        assert "INSERT INTO outbox_messages" in str(raised.value)
        uow.session.rollback()
        direct.execute(uow.session, outbox._INSERT_MESSAGE, row | {"idempotency_key": "once"})
        uow.commit()
    keys = {r["idempotency_key"] for r in _read(sf, _OUTBOX, campaign_id=campaign_id)}
    assert keys == {"once"}  # the rolled-back write is gone, the later one kept


def test_the_engines_listeners_see_every_direct_statement_and_own_in_lists_are_written_out(
    sf: sessionmaker[Session], engine: Engine
) -> None:
    campaign_id = make_campaign(sf)
    nomination_id = add(sf, campaign_id)
    seen: list[tuple[str, bool]] = []

    def before(_c: Any, _cur: Any, sql: str, _p: Any, _ctx: Any, many: bool) -> None:
        seen.append((sql.split()[0], many))

    event.listen(engine, "before_cursor_execute", before)
    try:
        with UnitOfWork(sf) as uow:
            rows = [_deadline(campaign_id, nomination_id, "d", 1)]
            direct.execute_many(uow.session, deadline._INSERT, rows)
            direct.execute(
                uow.session,
                deadline._CANCEL_OF_STAGE,
                {"of_nomination": nomination_id, "of_stage": "qualification"},
            )
            uow.commit()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert ("INSERT", True) in seen and ("UPDATE", False) in seen
    # The cancel's `status IN (pending)` is the statement's own list, written out once.
    assert [r["status"] for r in _read(sf, _DEADLINES, kind="d")] == ["cancelled"]


def test_a_drivers_error_comes_as_sqlalchemys_naming_the_statement(
    sf: sessionmaker[Session], engine: Engine
) -> None:
    missing = Table("no_such_table", MetaData(), Column("id", Integer, primary_key=True))
    with UnitOfWork(sf) as uow:
        with pytest.raises(exc.DBAPIError) as raised:
            direct.execute(uow.session, update(missing).values(id=bindparam("to")), {"to": 1})
        assert isinstance(raised.value.orig, engine.dialect.loaded_dbapi.Error)
        assert "no_such_table" in str(raised.value)


@pytest.mark.parametrize(
    ("statement", "params", "refusal"),
    [
        # `status` and `attempts` have Python-side defaults the session would fill in.
        (
            insert(_DEADLINES),
            {"campaign_id": 1, "kind": "k", "due_at": T0, "created_at": T0},
            "defaults",
        ),
        (
            update(_DEADLINES)
            .where(_DEADLINES.c.id.in_(bindparam("ids", expanding=True)))
            .values(outcome="x"),
            {"ids": [1]},
            "IN lists",
        ),
        (
            update(_DEADLINES).where(_DEADLINES.c.id == bindparam("of_id")).values(outcome="x"),
            {},
            "not given",
        ),
    ],
    ids=["python-defaults", "expanding-in", "missing-parameter"],
)
def test_what_sqlalchemy_would_add_is_refused_before_anything_is_sent(
    sf: sessionmaker[Session], engine: Engine, statement: Any, params: dict[str, Any], refusal: str
) -> None:
    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        with UnitOfWork(sf) as uow, pytest.raises(ValueError, match=refusal):
            direct.execute(uow.session, statement, params)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert not [sql for sql in seen if "deadlines" in sql]


def test_a_read_sees_what_the_session_holds_unwritten_with_its_columns_typed(
    sf: sessionmaker[Session],
) -> None:
    saturday, monday = date(2026, 3, 7), date(2026, 3, 9)
    with UnitOfWork(sf) as uow:
        uow.session.add(CalendarOverride(day=saturday, is_working_day=True, note="调休上班"))
        uow.session.add(CalendarOverride(day=monday, is_working_day=False, note="放假"))
        # Not flushed yet: the read flushes first, as an ORM read's autoflush would.
        rows = direct.read(uow.session, calendar_store._OVERRIDES_AND_STAMPS, {})
        assert sorted(rows) == [(saturday, True, None, None), (monday, False, None, None)]
        assert all(type(day) is date and type(working) is bool for day, working, _y, _c in rows)
        uow.commit()
    query = select(CalendarOverride.day).where(
        CalendarOverride.is_working_day == bindparam("working")
    )
    with UnitOfWork(sf) as uow:
        assert direct.read(uow.session, query, {"working": False}) == [(monday,)]


def test_statements_built_per_call_do_not_grow_the_prepared_cache_without_end(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(direct, "_MOST_PREPARED", 3)
    monkeypatch.setattr(direct, "_PREPARED", {})
    with UnitOfWork(sf) as uow:
        for day in range(1, 8):  # a new statement object each time, with its own literal
            query = select(CalendarOverride.day).where(CalendarOverride.day == date(2026, 3, day))
            assert direct.read(uow.session, query, {}) == []
            assert len(direct._PREPARED) <= 3
