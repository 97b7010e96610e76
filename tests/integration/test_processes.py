"""Processes that start and stay honest, as an operator starts them (subprocesses): the beat on
a fresh data folder, `up` when its beat dies, web and worker on a database without the current
schema, and a command whose broker cannot be reached."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from models.db import make_engine, make_session_factory
from tests.conftest import make_campaign
from tests.integration.flow import add, fire
from tests.integration.test_cli import Honorflow
from tests.integration.worker_fixtures import REDIS_HOST, redis_db, wait_until


@pytest.fixture
def hf(tmp_path: Path) -> Honorflow:
    """Every command here is a real process (`python -m cli.main`), set-up ones included."""
    return Honorflow(tmp_path, process=True)


def start(hf: Honorflow, log: Path, *args: str, **env: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "cli.main", *args],
            env={**hf.env, **env},
            cwd=hf.cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the children are stopped with it
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def read(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""


def test_beat_starts_on_a_fresh_data_folder_with_redis(hf: Honorflow, tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "data"
    broker = f"redis://{REDIS_HOST}:6379/{redis_db()}"
    log = tmp_path / "beat.log"
    beat = start(hf, log, "beat", HONORFLOW_DATA_DIR=str(data), HONORFLOW_BROKER_URL=broker)
    try:
        wait_until(lambda: list(data.glob("celerybeat-schedule*")), 60, "the schedule file")
        wait_until(lambda: "beat: Starting" in read(log), 30, "the beat to start")
        assert beat.poll() is None, read(log)
    finally:
        stop(beat)
    text = read(log)
    assert "Traceback" not in text and "FileNotFoundError" not in text
    # No record is a single character (a traceback written to a redirected stderr was).
    assert not [line for line in text.splitlines() if re.search(r"WARNING\S*\]? .$", line)]


def test_beat_says_in_one_line_what_it_cannot_make(hf: Honorflow, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    data = tmp_path / "a-file" / "data"
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "beat"],
        env={**hf.env, "HONORFLOW_DATA_DIR": str(data), "HONORFLOW_LOCALE": "en"},
        cwd=hf.cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 16
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"error: cannot make the folder {data}"), line
    assert line.endswith(": Not a directory")


@pytest.mark.parametrize("command", [("web", "--port", "18931"), ("worker",), ("up",)])
def test_serving_processes_refuse_a_database_without_the_schema(
    hf: Honorflow, command: tuple[str, ...]
) -> None:
    hf.env["HONORFLOW_LOCALE"] = "en"
    refused = hf.run(*command, ok=False)
    assert refused.returncode == 16
    [line] = refused.stderr.strip().splitlines()
    assert line.endswith("has no schema yet: run `honorflow db upgrade`"), line
    hf.run("db", "upgrade", "--revision", "0006")
    older = hf.run(*command, ok=False)
    assert older.returncode == 16
    [line] = older.stderr.strip().splitlines()
    assert "is at schema 0006, not the current" in line
    assert line.endswith("run `honorflow db upgrade`")


def test_web_does_not_migrate_and_names_an_unreachable_database(hf: Honorflow) -> None:
    hf.env["HONORFLOW_LOCALE"] = "en"
    hf.env["HONORFLOW_DATABASE_URL"] = "postgresql://honorflow:s3cret-pw@127.0.0.1:9/none"
    refused = hf.run("web", "--port", "18932", ok=False)
    assert refused.returncode == 16
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("error: cannot reach the database postgresql://honorflow:***@")
    assert "s3cret-pw" not in refused.stderr + refused.stdout


def _submitted(hf: Honorflow) -> int:
    hf.run("db", "upgrade")
    engine = make_engine(hf.env["HONORFLOW_DATABASE_URL"])
    try:
        sf = make_session_factory(engine)
        nomination = add(sf, make_campaign(sf))
        fire(sf, nomination, "submit")
        return nomination
    finally:
        engine.dispose()


def test_up_exits_non_zero_when_its_beat_dies(hf: Honorflow, tmp_path: Path) -> None:
    _submitted(hf)
    log = tmp_path / "up.log"
    up = start(hf, log, "up", HONORFLOW_LOCALE="en")
    try:
        pids = wait_until(
            lambda: re.search(
                r"worker \(process (\d+)\) and the beat \(process (\d+)\)", read(log)
            ),
            60,
            "up to start its children",
        )
        wait_until(lambda: " ready." in read(log), 60, "the worker to be ready")
        wait_until(lambda: "beat: Starting" in read(log), 60, "the beat to start")
        os.kill(int(pids[2]), signal.SIGKILL)
        code = up.wait(timeout=60)
    finally:
        stop(up)
    assert code == 128 + signal.SIGKILL, read(log)
    assert "the beat process stopped" in read(log)
    with pytest.raises(ProcessLookupError):  # the worker was stopped with it
        os.kill(int(pids[1]), 0)


def test_up_stopped_by_a_signal_exits_zero(hf: Honorflow, tmp_path: Path) -> None:
    _submitted(hf)
    log = tmp_path / "up.log"
    up = start(hf, log, "up")
    try:
        wait_until(lambda: " ready." in read(log), 60, "the worker to be ready")
        os.kill(up.pid, signal.SIGTERM)
        assert up.wait(timeout=60) == 0, read(log)
    finally:
        stop(up)


def test_an_unreachable_broker_is_a_warning_naming_the_outbox_ids(hf: Honorflow) -> None:
    nomination = _submitted(hf)
    hf.env["HONORFLOW_BROKER_URL"] = "redis://:brokerpw@127.0.0.1:9/0"  # nothing listens
    hf.env["HONORFLOW_LOG_FORMAT"] = "json"
    done = hf.run("act", str(nomination), "begin_review", "--as", "team_reviewer:working_team")
    pending = hf.json("outbox", "list", "--status", "pending")
    ids = sorted(m["id"] for m in pending)
    assert ids  # the change is committed and its messages wait for the relay
    records = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    [warning] = [r for r in records if "outbox_ids" in r]
    assert warning["level"] == "WARNING"
    assert sorted(warning["outbox_ids"]) == ids
    assert "relay" in warning["message"]
    assert "brokerpw" not in done.stderr
