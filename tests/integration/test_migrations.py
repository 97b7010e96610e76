"""The Alembic migrations build exactly the schema the models declare, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

from models import Base
from models.db import make_engine
from models.migrate import current_revision, is_empty, upgrade
from tests.conftest import PG_URL


def _empty_pg_schema(name: str) -> Engine:
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE; CREATE SCHEMA "{name}"'))
    admin.dispose()
    return make_engine(PG_URL, connect_args={"options": f"-csearch_path={name}"})


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
    engine = _empty_pg_schema("t_migrations")
    try:
        _assert_matches_models(engine)
    finally:
        with engine.begin() as conn:
            conn.execute(text('DROP SCHEMA "t_migrations" CASCADE'))
        engine.dispose()
