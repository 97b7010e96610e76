"""tests/cli_runner.py: a command run in process answers as the real process does, and leaves
this process as it found it."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest

from config.settings import get_settings
from tests.integration.test_cli import JIANGXI, Honorflow, hf
from workflow import calendar_store, machine, versions

__all__ = ["hf"]  # the fixture, imported for pytest


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("nope",),  # click's usage error, its program name in it
        ("--json", "nope"),  # under --json, the usage error as one JSON object
        ("--json", "calendar", "add", "2027-02-05 09:00", "6"),  # a domain error, exit 8
        ("deadlines", "list", "--due-before", "next tuesday"),
    ],
)
def test_in_process_and_as_a_process_answer_alike(hf: Honorflow, args: tuple[str, ...]) -> None:
    hf.run("db", "upgrade")
    hf.env["HONORFLOW_LOCALE"] = "en"
    inside, process = hf.run(*args, ok=False), hf.spawn(*args, ok=False)
    assert (inside.returncode, inside.stdout, inside.stderr) == (
        process.returncode,
        process.stdout,
        process.stderr,
    )


def _process_state(root: logging.Logger) -> tuple[object, ...]:
    """What a command run in this process could change and must put back."""
    return (
        dict(os.environ),
        Path.cwd(),
        list(sys.argv),
        sys.stdout,
        sys.excepthook,
        logging.getLogRecordFactory(),
        list(root.handlers),
        root.level,
        dict(versions._PARSED),
        dict(machine._CACHE),
        calendar_store._current,
    )


def test_a_run_leaves_this_process_as_it_found_it(hf: Honorflow, tmp_path: Path) -> None:
    hf.run("db", "upgrade")
    hf.env["HONORFLOW_LOG_FORMAT"] = "json"
    root = logging.getLogger()
    before = _process_state(root)
    loaded = hf.json("workflow", "load", str(JIANGXI))
    assert loaded["created"] is True
    after = _process_state(root)
    assert after == before
    assert get_settings().database_url != hf.env["HONORFLOW_DATABASE_URL"]


def test_each_run_reads_its_own_settings(hf: Honorflow) -> None:
    hf.run("db", "upgrade")
    refused = hf.run("act", "1", "submit", ok=False)
    assert refused.returncode == 3 and refused.stderr.startswith("错误：")
    hf.env["HONORFLOW_LOCALE"] = "en"
    refused = hf.run("act", "1", "submit", ok=False)
    assert refused.returncode == 3 and refused.stderr.startswith("error: ")


def test_a_command_that_would_publish_to_a_broker_is_refused_in_process(hf: Honorflow) -> None:
    hf.env["HONORFLOW_BROKER_URL"] = "redis://127.0.0.1:9/0"
    with pytest.raises(AssertionError, match=r"cli_runner\.spawn"):
        hf.run("outbox", "list")
