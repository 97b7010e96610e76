"""`honorflow demo` is deterministic: the same seed gives the same counts on SQLite and on
PostgreSQL (at the small scale, so the test stays quick)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from models.db import make_engine
from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]
# What the report holds besides counts: where it ran, how long it took, where mail went.
NOT_COUNTS = ("seconds", "database")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A schema of its own, named in the URL's search_path so the command's engine uses it."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def start_demo(url: str, data: Path) -> subprocess.Popen[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HONORFLOW_")},
        "HONORFLOW_DATABASE_URL": url,
        "HONORFLOW_DATA_DIR": str(data),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "--json", "demo", "--scale", "small"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def report_of(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    report: dict[str, Any] = json.loads(out)
    for key in NOT_COUNTS:
        report.pop(key)
    report["mail"].pop("where")
    return report


@pytest.mark.postgres
def test_the_demo_counts_the_same_on_sqlite_and_postgresql(pg_url: str, tmp_path: Path) -> None:
    # Both at once: two processes, one per database, each with its own data folder.
    sqlite = start_demo(f"sqlite:///{tmp_path / 'demo.sqlite3'}", tmp_path / "sqlite")
    postgresql = start_demo(pg_url, tmp_path / "postgresql")
    on_sqlite, on_postgresql = report_of(sqlite), report_of(postgresql)

    funnel = {row["state"]: row for row in on_sqlite["funnel"]}
    assert funnel["awarded"]["entered"] > 0 and funnel["vetoed"]["entered"] > 0
    assert on_sqlite["audit"]["ok"] and on_postgresql["audit"]["ok"]
    assert on_sqlite["mail"]["results"]["sent"] > 0
    # Part by part first, so a failure names what differs.
    for part in (
        "funnel",
        "refused_at_submission",
        "failed_qualification",
        "alternates_stepped_up",
        "objections",
        "decision",
        "emails_queued",
        "deadlines_fired",
        "audit",
        "mail",
        "composition",
    ):
        assert on_sqlite[part] == on_postgresql[part], part
    assert on_sqlite == on_postgresql
