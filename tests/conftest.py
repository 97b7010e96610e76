"""Shared fixtures: a fresh database per test, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.db import make_session_factory
from models.uow import UnitOfWork
from tests.databases import PgSchemas, fresh_sqlite
from workflow.actors import Actor
from workflow.services import campaigns, definitions

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / "config" / "workflows"
JIANGXI = WORKFLOWS / "jiangxi-labour-model.yaml"
MAYDAY = WORKFLOWS / "mayday-medal.yaml"
PG_URL = os.environ.get(
    "HONORFLOW_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ADMIN = Actor("admin", "admin")
# A Monday inside the years the working-day calendar knows.
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def sqlite_engine(tmp_path: Path) -> Engine:
    """An engine on a new SQLite file in `tmp_path` holding the empty schema."""
    return fresh_sqlite(tmp_path)


@pytest.fixture(scope="session")
def pg_schemas() -> Iterator[PgSchemas]:
    """This test process's PostgreSQL schemas, each used by one test at a time."""
    schemas = PgSchemas(PG_URL)
    yield schemas
    schemas.close()


@pytest.fixture
def pg_engine(pg_schemas: PgSchemas) -> Iterator[Engine]:
    """A schema of its own on the real PostgreSQL server, holding only the empty tables."""
    schema, engine = pg_schemas.take()
    yield engine
    engine.dispose()
    pg_schemas.give_back(schema)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """Each test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        eng = sqlite_engine(tmp_path)
        yield eng
        eng.dispose()
    else:
        yield request.getfixturevalue("pg_engine")


@pytest.fixture
def sf(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def sqlite_sf(tmp_path: Path) -> sessionmaker[Session]:
    return make_session_factory(sqlite_engine(tmp_path))


def make_campaign(
    sf: sessionmaker[Session],
    definition: Path = JIANGXI,
    quotas: list[campaigns.UnitQuota] | None = None,
    code: str = "jx2026",
) -> int:
    """Load a definition and create a campaign with a quota table; returns its id."""
    with UnitOfWork(sf) as uow:
        definitions.load_definition(uow, definition, T0)
    name = yaml.safe_load(definition.read_text(encoding="utf-8"))["name"]
    with UnitOfWork(sf) as uow:
        campaign = campaigns.create_campaign(
            uow,
            code=code,
            title="测试评选",
            definition_name=name,
            reference_date=date(2026, 3, 1),
            submission_deadline=None,
            actor=ADMIN,
            now=T0,
        )
        campaign_id = campaign.id
    rows = quotas or [
        campaigns.UnitQuota("nc", "南昌市总工会", 3, email="nc@example.org"),
        campaigns.UnitQuota("jt", "省交通运输厅", 2, kind="department"),
        campaigns.UnitQuota("gz", "赣州市总工会", 3),
    ]
    with UnitOfWork(sf) as uow:
        campaigns.set_quota_table(uow, campaign_id, rows, ADMIN, T0)
    # Like a real office: the quota table is set at launch, then recommendation opens.
    advance_to(sf, campaign_id, "recommendation")
    return campaign_id


def advance_to(sf: sessionmaker[Session], campaign_id: int, phase: str) -> None:
    """Advance a campaign phase by phase until it is in `phase` (before the decision)."""
    while True:
        with UnitOfWork(sf) as uow:
            if campaigns.get_campaign(uow, campaign_id).phase == phase:
                return
            campaigns.advance_phase(uow, campaign_id, ADMIN, T0)
