"""Empty honorflow databases for tests, made fast: each test still gets a database of its own.

Building the schema is most of a small test's cost (on PostgreSQL, `create_all` and `DROP
SCHEMA` took 0.8–1.3 s per test; on SQLite about 0.1 s). So:

- SQLite: the schema is built once per test process into a template file, and each test gets
  a copy of that file (a millisecond).
- PostgreSQL: a test's schema is emptied when the test ends — every table's rows deleted, the
  rows the schema is created with put back, sequences restarted — and the next test of the
  same process takes it. A schema whose objects changed during the test (a table, index,
  trigger or function added or dropped) is dropped instead, never handed on. Schemas are per
  process and used by one test at a time, so parallel runs (xdist workers, other checkouts)
  still never share one; the pool is dropped when the process ends.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text

from models import Base
from models.db import make_engine

_template: Path | None = None


def fresh_sqlite(folder: Path) -> Engine:
    """An engine on a new SQLite file in `folder` holding the empty schema."""
    target = folder / "test.sqlite3"
    shutil.copyfile(_sqlite_template(), target)
    return make_engine(f"sqlite:///{target}")


def empty_pg_schema(url: str, name: str) -> Engine:
    """An engine on a new, empty PostgreSQL schema `name` (made anew if it was there): for
    tests of the migrations, which build the schema themselves. The caller drops it."""
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE; CREATE SCHEMA "{name}"'))
    admin.dispose()
    return make_engine(url, connect_args={"options": f"-csearch_path={name}"})


def _sqlite_template() -> Path:
    global _template
    if _template is None:
        folder = Path(tempfile.mkdtemp(prefix="honorflow-template-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "template.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        Base.metadata.create_all(engine)
        engine.dispose()  # the last connection closing checkpoints the WAL into the file
        _template = path
    return _template


# What a schema holds, by kind of catalogue object: a test that changed it gets no reuse.
_SHAPE = text(
    """
    SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = n.oid),
           (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
             WHERE c.relnamespace = n.oid),
           (SELECT count(*) FROM pg_proc WHERE pronamespace = n.oid),
           (SELECT count(*) FROM pg_type WHERE typnamespace = n.oid),
           (SELECT count(*) FROM pg_constraint WHERE connamespace = n.oid)
      FROM pg_namespace n WHERE n.nspname = :schema
    """
)


_SEQUENCES = text(
    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()"
)
_SETVAL = text("SELECT setval(CAST(:sequence AS regclass), :last)")


@dataclass
class _Schema:
    name: str
    shape: tuple[int, ...]
    seed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Each sequence's last value as created (None: never used), restored when emptied.
    sequences: dict[str, int | None] = field(default_factory=dict)


class PgSchemas:
    """Schemas of one test process on one server: taken by a test, given back emptied."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._admin: Engine | None = None
        self._free: list[_Schema] = []
        self._taken: dict[str, _Schema] = {}

    @property
    def admin(self) -> Engine:
        if self._admin is None:
            self._admin = make_engine(self.url)
        return self._admin

    def take(self) -> tuple[str, Engine]:
        """A schema holding the empty honorflow tables, and an engine whose search_path is it."""
        schema = self._free.pop() if self._free else self._create()
        self._taken[schema.name] = schema
        return schema.name, self._engine(schema.name)

    def give_back(self, name: str) -> None:
        """Empty the schema for the next test, or drop it if the test changed its shape."""
        schema = self._taken.pop(name)
        try:
            reusable = self._empty(schema)
        except Exception:
            reusable = False
        if reusable:
            self._free.append(schema)
        else:
            self._drop(name)

    def close(self) -> None:
        for schema in [*self._free, *self._taken.values()]:
            self._drop(schema.name)
        self._free, self._taken = [], {}
        if self._admin is not None:
            self._admin.dispose()
            self._admin = None

    def _engine(self, name: str) -> Engine:
        return make_engine(self.url, connect_args={"options": f"-csearch_path={name}"})

    def _create(self) -> _Schema:
        name = f"t_{uuid.uuid4().hex[:12]}"
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        engine = self._engine(name)
        try:
            Base.metadata.create_all(engine)
            with engine.connect() as conn:
                seed = {
                    table.name: [dict(row._mapping) for row in conn.execute(select(table))]
                    for table in Base.metadata.sorted_tables
                }
                sequences: dict[str, int | None] = {
                    name: last for name, last in conn.execute(_SEQUENCES)
                }
        finally:
            engine.dispose()
        seeded = {t: rows for t, rows in seed.items() if rows}
        return _Schema(name, self._shape(name), seeded, sequences)

    def _shape(self, name: str) -> tuple[int, ...]:
        with self.admin.connect() as conn:
            return tuple(conn.execute(_SHAPE, {"schema": name}).one())

    def _empty(self, schema: _Schema) -> bool:
        if self._shape(schema.name) != schema.shape:
            return False
        engine = self._engine(schema.name)
        try:
            with engine.begin() as conn:
                # A test's server or worker still holding a lock must not stall the run.
                conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
                _delete_every_row(conn)
                _restore(conn, schema)
        finally:
            engine.dispose()
        return True

    def _drop(self, name: str) -> None:
        with self.admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


def _delete_every_row(conn: Connection) -> None:
    # Foreign keys and triggers (the audit's refusal to delete) are not checked while the
    # schema is emptied: every row of every table goes.
    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
    tables = conn.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    ).scalars()
    for name in tables.all():
        conn.exec_driver_sql(f'DELETE FROM "{name}"')


def _restore(conn: Connection, schema: _Schema) -> None:
    """Put back the rows the schema was created with, and each sequence where it stood."""
    for name, rows in schema.seed.items():
        conn.execute(insert(Base.metadata.tables[name]), rows)
    current: dict[str, int | None] = {name: last for name, last in conn.execute(_SEQUENCES)}
    for sequence, last in schema.sequences.items():
        if current.get(sequence) == last:
            continue
        if last is None:
            conn.exec_driver_sql(f'ALTER SEQUENCE "{sequence}" RESTART')
        else:
            conn.execute(_SETVAL, {"sequence": f'"{sequence}"', "last": last})
