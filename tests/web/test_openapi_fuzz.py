"""Fuzz every API operation from the OpenAPI document with an admin token: never a 500.

The answers must also match the documented response schemas and content types. A few
examples per operation keep the run short; the seeded campaign gives generated ids
something to hit. (The schema is loaded eagerly: the lazy fixture loader of schemathesis
4.32 reads a pytest node attribute that pytest 9 no longer has.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from config.settings import Settings
from models.db import make_engine, make_session_factory
from tests.conftest import sqlite_engine
from tests.web.conftest import World, build_world
from web import ratelimit
from web.app import create_app

# The app is pointed at the seeded database by fuzz_world before any operation runs.
APP = create_app(make_session_factory(make_engine("sqlite://")))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


def lift_rate_limits(app: FastAPI) -> None:
    """Rate limits would answer 429 long before the fuzzer is done; they are tested elsewhere."""
    app.state.limiter = ratelimit.limiter(
        Settings(
            login_failures_per_account=10**9,
            login_failures_per_address=10**9,
            objections_per_address_hour=10**9,
            objections_per_nominee_hour=10**9,
        )
    )


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One seeded database for every operation: seeding per operation would double the time."""
    engine = sqlite_engine(tmp_path_factory.mktemp("fuzz"))
    lift_rate_limits(APP)
    yield from build_world(make_session_factory(engine), APP)
    engine.dispose()


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_fails_on_generated_input(case: schemathesis.Case, fuzz_world: World) -> None:
    case.call_and_validate(
        headers=fuzz_world.h("admin"),
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
