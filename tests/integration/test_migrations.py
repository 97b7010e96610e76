"""The Alembic migrations build exactly the schema the models declare, on both databases."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, insert, select, text

from config.audit_key import AuditKey
from models import AuditEvent, AuditHead, Base
from models.audit import GENESIS_HASH as GENESIS
from models.db import make_engine, make_session_factory
from models.migrate import current_revision, is_empty, upgrade
from models.uow import UnitOfWork
from tests.conftest import PG_URL, T0
from tests.databases import empty_pg_schema
from workflow import audit, audit_verify


def _assert_matches_models(engine: Engine) -> None:
    assert is_empty(engine)
    upgrade(engine)
    assert current_revision(engine) is not None
    assert not is_empty(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_migrations_match_models_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    _assert_matches_models(engine)


def test_migrations_match_models_on_postgresql() -> None:
    engine = empty_pg_schema(PG_URL, "t_migrations")
    try:
        _assert_matches_models(engine)
    finally:
        with engine.begin() as conn:
            conn.execute(text('DROP SCHEMA "t_migrations" CASCADE'))
        engine.dispose()


def _chain_written_before_lanes(engine: Engine, key: AuditKey) -> None:
    """Four events chained and sealed as before 0010."""
    prev, seq = GENESIS, 0
    campaign_id = None
    for _ in range(4):
        seq += 1
        entry = audit.AuditEntry("王审核（工作专班）", "pass", campaign_id, reason=f"{seq}")
        digest = audit.event_digest(prev, seq, T0, entry, key)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_events (seq, at, actor, campaign_id, trigger, reason,"
                    " payload, prev_hash, hash, key_id) VALUES (:seq, :at, :actor, :c, 'pass',"
                    " :reason, '{}', :prev, :hash, :key_id)"
                ),
                {"seq": seq, "at": T0, "actor": entry.actor, "c": campaign_id,
                 "reason": entry.reason, "prev": prev, "hash": digest, "key_id": key.id},
            )  # fmt: skip
        prev = digest
    seal = key.seal(f"audit head {seq} {prev}")  # the seal's text before lanes
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_head SET seq = :s, hash = :h, key_id = :k, seal = :seal"),
            {"s": seq, "h": prev, "k": key.id, "seal": seal},
        )


def _lanes_after_upgrade(engine: Engine) -> None:
    key = AuditKey(b"k" * 32)
    upgrade(engine, "0009")
    _chain_written_before_lanes(engine, key)
    upgrade(engine)
    sf = make_session_factory(engine)
    with UnitOfWork(sf) as uow:
        lanes = uow.session.execute(select(AuditEvent.lane, AuditEvent.seq)).all()
        assert sorted(lanes) == [(0, 1), (0, 2), (0, 3), (0, 4)]
        assert audit_verify.verify(uow.session, key=key) == audit_verify.ChainReport(
            True, 4, keyed_from=1, lanes=1
        )
    with UnitOfWork(sf, audit_key=key) as uow:
        appended = audit.append(uow, T0, audit.AuditEntry("甲", "pass"))
        # A new lane's head row takes an id of its own (on PostgreSQL, from the sequence).
        uow.session.execute(insert(AuditHead).values(lane=99, seq=0, hash=GENESIS))
        uow.commit()
    assert (appended.lane, appended.seq) == (0, 5)
    with UnitOfWork(sf) as uow:
        assert audit_verify.verify(uow.session, key=key).ok


def test_a_chain_written_before_lanes_verifies_as_lane_0_on_sqlite(tmp_path: Path) -> None:
    _lanes_after_upgrade(make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}"))


def test_a_chain_written_before_lanes_verifies_as_lane_0_on_postgresql() -> None:
    engine = empty_pg_schema(PG_URL, "t_migrations_lanes")
    try:
        _lanes_after_upgrade(engine)
    finally:
        with engine.begin() as conn:
            conn.execute(text('DROP SCHEMA "t_migrations_lanes" CASCADE'))
        engine.dispose()
