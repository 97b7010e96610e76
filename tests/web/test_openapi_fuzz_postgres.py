"""Fuzz every API operation on PostgreSQL, with NUL characters and huge strings: never a 500.

The SQLite run (`test_openapi_fuzz.py`) checks the documented schemas; this one checks what
only PostgreSQL refuses: a NUL in text (`\\x00` cannot be stored in text or jsonb) and
strings far past any column's width. Each operation runs three ways: as generated (NUL
allowed in every string), with a NUL appended to every string of the case, and with every
string made about 12 KB long. One example per operation and way keeps the file near a minute.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy import Engine, text

from models import Base
from models.db import make_engine, make_session_factory
from tests.conftest import PG_URL
from tests.web.conftest import World, build_world
from tests.web.test_openapi_fuzz import lift_rate_limits
from web.app import create_app

pytestmark = pytest.mark.postgres

# The app is pointed at the seeded database by pg_fuzz_world before any operation runs.
APP = create_app(make_session_factory(make_engine("sqlite://")))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
schema.config.generation.update(allow_x00=True, codec="utf-8")

HUGE = "长" * 4_000  # 12 KB of UTF-8: under every body cap, far past every bounded column


@pytest.fixture(scope="module")
def pg_engine_module() -> Iterator[Engine]:
    """One schema of its own on the real PostgreSQL for the whole file, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={name}"})
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="module")
def pg_fuzz_world(pg_engine_module: Engine) -> Iterator[World]:
    """One seeded database for every operation (seeding per operation would double the time)."""
    lift_rate_limits(APP)
    yield from build_world(make_session_factory(pg_engine_module), APP)


def _strings(value: Any, change: Any) -> Any:
    """`value` with `change` applied to every string in it, however deeply nested."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {key: _strings(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [_strings(item, change) for item in value]
    return value


CHANGES = {
    "nul": lambda s: s + "\x00",
    # Without the NULs generation may have put in: huge strings are checked on their own.
    "huge": lambda s: s.replace("\x00", "") + HUGE,
}


def _mutate(case: schemathesis.Case, mode: str) -> None:
    change = CHANGES[mode]
    for part in ("query", "path_parameters"):
        current = getattr(case, part)
        if current:
            setattr(case, part, _strings(current, change))
    if isinstance(case.body, dict | list | str):
        case.body = _strings(case.body, change)


FUZZ: dict[str, Any] = dict(
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    # No shrinking: a failing operation is reported as found, within the time bound.
    phases=[Phase.explicit, Phase.generate],
)


@schema.parametrize()
@settings(max_examples=1, **FUZZ)
def test_no_operation_fails_on_postgresql(case: schemathesis.Case, pg_fuzz_world: World) -> None:
    case.call_and_validate(headers=pg_fuzz_world.h("admin"), checks=[not_a_server_error])


@pytest.mark.parametrize("mode", ["nul", "huge"])
@schema.parametrize()
@settings(max_examples=1, **FUZZ)
def test_nul_and_huge_strings_fail_no_operation_on_postgresql(
    case: schemathesis.Case, mode: str, pg_fuzz_world: World
) -> None:
    _mutate(case, mode)
    case.call_and_validate(headers=pg_fuzz_world.h("admin"), checks=[not_a_server_error])
