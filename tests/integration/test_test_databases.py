"""The test databases handed out fast are as empty as freshly built ones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text

from models import AuditHead, Base, CalendarOverride
from models.audit import HEAD_ROW
from tests.conftest import PG_URL
from tests.databases import PgSchemas, fresh_sqlite

pytestmark = pytest.mark.postgres

_OVERRIDE = insert(CalendarOverride).values(day=date(2026, 1, 5), is_working_day=False)
_NEXT_UNIT_ID = text("SELECT nextval(pg_get_serial_sequence('recommending_units', 'id'))")


def _row_counts(engine: object) -> dict[str, int]:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def test_a_schema_given_back_is_emptied_reseeded_and_handed_on() -> None:
    schemas = PgSchemas(PG_URL)
    try:
        name, engine = schemas.take()
        pristine = _row_counts(engine)
        assert pristine["audit_head"] == 1
        with engine.begin() as conn:
            conn.execute(insert(AuditHead).values(lane=7, seq=3, hash="x" * 64))
            conn.execute(text("UPDATE audit_head SET seq = 99 WHERE lane = 0"))
            conn.execute(_OVERRIDE)
            first = conn.execute(_NEXT_UNIT_ID).scalar_one()
            conn.execute(_NEXT_UNIT_ID)
        engine.dispose()
        schemas.give_back(name)

        again, engine = schemas.take()
        assert again == name
        assert _row_counts(engine) == pristine
        with engine.begin() as conn:
            head = conn.execute(select(AuditHead.lane, AuditHead.seq, AuditHead.hash)).one()
            reused = conn.execute(_NEXT_UNIT_ID).scalar_one()
        assert tuple(head) == (HEAD_ROW["lane"], HEAD_ROW["seq"], HEAD_ROW["hash"])
        assert reused == first  # the sequence starts where a new schema's does
        engine.dispose()
        schemas.give_back(name)
    finally:
        schemas.close()


def test_a_schema_whose_shape_changed_is_dropped_not_reused() -> None:
    schemas = PgSchemas(PG_URL)
    try:
        name, engine = schemas.take()
        with engine.begin() as conn:
            conn.execute(text("CREATE INDEX ix_extra ON calendar_overrides (note)"))
        engine.dispose()
        schemas.give_back(name)
        with schemas.admin.connect() as conn:
            left = conn.execute(
                text("SELECT count(*) FROM pg_namespace WHERE nspname = :n"), {"n": name}
            ).scalar_one()
        assert left == 0
        other, engine = schemas.take()
        assert other != name
        engine.dispose()
        schemas.give_back(other)
    finally:
        schemas.close()


def test_sqlite_copies_hold_the_schema_and_are_independent(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = fresh_sqlite(tmp_path / "a"), fresh_sqlite(tmp_path / "b")
    with first.begin() as conn:
        conn.execute(_OVERRIDE)
    assert _row_counts(second) == _row_counts(fresh_sqlite(tmp_path))
    assert _row_counts(first)["calendar_overrides"] == 1
    for engine in (first, second):
        engine.dispose()
