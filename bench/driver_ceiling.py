"""`begin_review`'s writes below SQLAlchemy Core: the ceilings `bench_statement_ceiling.py` adds.

Four loops, one transaction per row, each writing what `begin_review` writes (the state, a
task, its two deadlines, an outbox message, an audit event and the lane's head):

  direct     the same statements as the Core loop, through `models.direct` (compiled once, run
             on the driver's cursor with SQLAlchemy's processors): the engine's own way of
             sending them, with no ORM, no rules and no hashing;
  psycopg    PostgreSQL only: the same statements' SQL on psycopg's cursor, no SQLAlchemy at
             all (a statement and its answer per round trip);
  pipelined  PostgreSQL only: the psycopg loop in pipeline mode, so a statement whose result
             is not read waits for no answer (the COMMIT goes in the same pipeline);
  fused      PostgreSQL only, hand-written SQL on psycopg's cursor: the state, the task, its
             deadlines and the message in one statement (data-modifying CTEs), then the head's
             advance and the event with the head's seal: with the lock, the calendar read and
             COMMIT, six round trips instead of ten.

None of them checks a rule or computes a hash; each is a ceiling for a path that sends those
statements, not a path honorflow could take as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bench.bench_transitions import T0
from bench.ceiling_statements import (
    SEAL,
    deadline_row,
    event_row,
    message_row,
    state_row,
    statements,
    task_row,
)
from models import direct


def direct_statements(sf: sessionmaker[Session], ids: list[int]) -> None:
    """`begin_review`'s statements through `models.direct`, one transaction per row."""
    with sf() as session:
        sql = statements(session.get_bind().dialect.name == "postgresql")
        lock_columns = list(sql["lock"].selected_columns.keys())
        version_at = lock_columns.index("version")
        campaign_at = lock_columns.index("campaign_id")
        for nid in ids:
            (row,) = direct.read(session, sql["lock"], {"nid": nid})
            _write_one(session, sql, nid, row[version_at], row[campaign_at])
            session.commit()


def _write_one(
    session: Session, sql: dict[str, Any], nid: int, version: int, campaign_id: int
) -> None:
    direct.execute(session, sql["state"], state_row(nid, version))
    direct.read(session, sql["calendar"], {})
    task_id = direct.execute(session, sql["task"], task_row(campaign_id, nid)).scalar_one()
    deadlines = [deadline_row(campaign_id, nid, task_id, kind) for kind in "ab"]
    direct.execute_many(session, sql["deadlines"], deadlines)
    direct.execute(session, sql["message"], message_row(campaign_id, nid, task_id))
    (seq, prev) = direct.execute(session, sql["advance"], {"head_lane": campaign_id}).rows[0]
    direct.execute(session, sql["event"], event_row(campaign_id, nid, seq, prev))
    direct.execute(session, sql["seal"], {"head_lane": campaign_id} | SEAL)


@dataclass(frozen=True)
class _DriverSql:
    """A Core statement as psycopg's SQL, with the values it carries itself (`seq + 1`)."""

    sql: str
    fixed: dict[str, Any]

    def params(self, given: dict[str, Any]) -> dict[str, Any]:
        values = self.fixed | given
        return {k: json.dumps(v) if isinstance(v, dict) else v for k, v in values.items()}


def _driver_sql(engine: Engine) -> dict[str, _DriverSql]:
    """`statements` compiled for psycopg, each for the columns `begin_review` gives it."""
    columns = {
        "task": task_row(0, 0), "deadlines": deadline_row(0, 0, 0, "a"),
        "message": message_row(0, 0, 0), "event": event_row(0, 0, 0, ""),
    }  # fmt: skip
    out = {}
    for name, statement in statements(True).items():
        keys = list(columns[name]) if name in columns else None
        compiled = statement.compile(dialect=engine.dialect, column_keys=keys)
        fixed = {key: bind.value for key, bind in compiled.binds.items() if not bind.required}
        out[name] = _DriverSql(str(compiled), fixed)
    return out


def psycopg_statements(engine: Engine, ids: list[int], pipelined: bool = False) -> None:
    """`begin_review`'s statements on psycopg's cursor, one transaction per row; in pipeline
    mode if asked, a statement's answer read only where the next one needs it."""
    sql = _driver_sql(engine)
    with _driver(engine) as driver, driver.cursor() as cursor:
        for nid in ids:
            with driver.pipeline() if pipelined else nullcontext():
                cursor.execute(sql["lock"].sql, sql["lock"].params({"nid": nid}))
                row = cursor.fetchone()
                names = [column.name for column in cursor.description or ()]
                version, campaign = row[names.index("version")], row[names.index("campaign_id")]
                _send(cursor, sql["state"], state_row(nid, version))
                _send(cursor, sql["calendar"], {}).fetchall()
                task_id = _send(cursor, sql["task"], task_row(campaign, nid)).fetchone()[0]
                deadlines = [deadline_row(campaign, nid, task_id, kind) for kind in "ab"]
                cursor.executemany(
                    sql["deadlines"].sql, [sql["deadlines"].params(d) for d in deadlines]
                )
                _send(cursor, sql["message"], message_row(campaign, nid, task_id))
                seq, prev = _send(cursor, sql["advance"], {"head_lane": campaign}).fetchone()
                _send(cursor, sql["event"], event_row(campaign, nid, seq, prev))
                _send(cursor, sql["seal"], {"head_lane": campaign} | SEAL)
                driver.commit()


def _send(cursor: Any, statement: _DriverSql, given: dict[str, Any]) -> Any:
    return cursor.execute(statement.sql, statement.params(given))


@contextmanager
def _driver(engine: Engine) -> Iterator[Any]:
    """A psycopg connection from the engine's pool, its transactions managed by hand."""
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        connection.commit()  # SQLAlchemy's own transaction ends; psycopg's are managed here
        yield driver


# The state, the task, its two deadlines and the message in one statement; the deadlines and
# the message take the task's id from the task's own CTE.
_FUSED_WRITES = """
WITH state AS (
    UPDATE nominations SET status = %(status)s, version = %(version)s + 1,
        updated_at = %(at)s, stage_entered_at = %(at)s
    WHERE id = %(nid)s AND version = %(version)s RETURNING id),
task AS (
    INSERT INTO review_tasks (nomination_id, campaign_id, stage, department, role, status,
        due_at, created_at, version)
    VALUES (%(nid)s, %(campaign)s, 'qualification', 'working_team', 'team_reviewer', 'open',
        %(at)s, %(at)s, 1)
    RETURNING id),
deadline AS (
    INSERT INTO deadlines (campaign_id, nomination_id, task_id, kind, stage, due_at, status,
        created_at, attempts)
    SELECT %(campaign)s, %(nid)s, task.id, kind, 'qualification', %(at)s, 'cancelled', %(at)s, 0
    FROM task, (VALUES ('a'), ('b')) AS kinds (kind)),
message AS (
    INSERT INTO outbox_messages (idempotency_key, kind, recipient, campaign_id, nomination_id,
        context, status, attempts, created_at)
    SELECT 'ceiling:' || task.id, 'task_assigned', 'office@example.org', %(campaign)s, %(nid)s,
        json_build_object('task_id', task.id), 'held', 0, %(at)s
    FROM task)
SELECT count(*) FROM state
"""

# The event and the head's seal in one statement, as `workflow.audit` sends them.
_FUSED_EVENT = """
WITH event AS (
    INSERT INTO audit_events (lane, seq, at, actor, campaign_id, nomination_id, trigger,
        from_state, to_state, payload, prev_hash, hash)
    VALUES (%(lane)s, %(seq)s, %(at)s, 'bench', %(lane)s, %(nid)s, 'ceiling', 'submitted',
        'qualification', '{}', %(prev)s, %(hash)s))
UPDATE audit_head SET hash = %(hash)s WHERE lane = %(lane)s
"""


def fused_statements(engine: Engine, ids: list[int]) -> None:
    """`begin_review`'s writes in six statements on psycopg's cursor, one transaction per row."""
    with _driver(engine) as driver:
        lock = "SELECT version, campaign_id FROM nominations WHERE id = %(nid)s FOR UPDATE"
        calendar = str(statements(True)["calendar"].compile(dialect=engine.dialect))
        advance = "UPDATE audit_head SET seq = seq + 1 WHERE lane = %(lane)s RETURNING seq, hash"
        with driver.cursor() as cursor:
            for nid in ids:
                version, campaign = cursor.execute(lock, {"nid": nid}).fetchone() or (0, 0)
                cursor.execute(calendar).fetchall()
                values = {"nid": nid, "campaign": campaign, "version": version, "at": T0}
                written = cursor.execute(_FUSED_WRITES, values | {"status": "qualification"})
                assert written.fetchone() == (1,), "the row changed under its lock"
                seq, prev = cursor.execute(advance, {"lane": campaign}).fetchone() or (0, "")
                event = {"lane": campaign, "seq": seq, "at": T0, "nid": nid, "prev": prev}
                cursor.execute(_FUSED_EVENT, event | {"hash": "ab" * 32})
                driver.commit()
