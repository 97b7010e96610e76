"""A scratch PostgreSQL schema for one benchmark run, dropped afterwards (also on failure)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

from models.db import make_engine

PG_URL = os.environ.get(
    "HONORFLOW_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@contextmanager
def pg_schema(prefix: str) -> Iterator[tuple[Engine, str]]:
    """An engine whose search_path is a new, empty schema, and that schema's name."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine, schema
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
