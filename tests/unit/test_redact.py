"""URLs shown without passwords, and log records scrubbed of every configured secret."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from config import redact
from config.redact import mask_url, scrub, secrets_of
from config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql+psycopg://hf:S3cr%40t@db:5432/hf?options=-csearch_path%3Dx",
            "postgresql+psycopg://hf:***@db:5432/hf?options=-csearch_path%3Dx",
        ),
        ("redis://:pw-123@redis:6379/0", "redis://:***@redis:6379/0"),
        ("redis://default:pw@redis:6379/0", "redis://default:***@redis:6379/0"),
        ("smtp://office:pw@mail.example:587", "smtp://office:***@mail.example:587"),
        ("redis://redis:6379/0", "redis://redis:6379/0"),
        ("sqlite:///data/honorflow.sqlite3", "sqlite:///data/honorflow.sqlite3"),
        ("memory://", "memory://"),
    ],
)
def test_mask_url(url: str, shown: str) -> None:
    assert mask_url(url) == shown


def test_the_start_up_line_shows_the_database_masked() -> None:
    settings = Settings(database_url="postgresql://hf:topsecret@db/hf")
    assert settings.shown_database_url() == "postgresql://hf:***@db/hf"


def test_secrets_of_the_settings_in_every_spelling() -> None:
    settings = Settings(
        database_url="postgresql://hf:a%40bcd@db/hf",
        broker_url="redis://:broker-pw@redis:6379/0",
        smtp_password="smtp-password",
        metrics_token="m" * 20,
    )
    found = secrets_of(settings)
    assert {"a%40bcd", "a@bcd", "broker-pw", "smtp-password", "m" * 20} <= set(found)
    assert scrub("failed: a@bcd and smtp-password", found) == "failed: *** and ***"


@pytest.fixture
def scrubbing() -> Iterator[list[logging.LogRecord]]:
    """The scrubber installed (once per process) and the records a handler receives."""
    redact.install(Settings(smtp_password="smtp-password-xyz"))
    seen: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = seen.append  # type: ignore[method-assign]
    logger = logging.getLogger("test.redact")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield seen
    logger.removeHandler(handler)


def test_every_log_record_is_scrubbed(scrubbing: list[logging.LogRecord]) -> None:
    log = logging.getLogger("test.redact")
    log.info("connecting to %s", "redis://:pw-in-args@h:1/0")
    log.warning("cannot reach postgresql://hf:pw-in-msg@db/hf")
    # uvicorn's access formatter reads the arguments themselves: they stay a tuple.
    log.info('%s - "%s %s"', "127.0.0.1", "GET", "/x", extra={})
    try:
        raise ConnectionError("redis://:pw-in-trace@h:1/0 refused")
    except ConnectionError:
        log.exception("failed")
    shown = "\n".join(logging.Formatter().format(record) for record in scrubbing)
    for secret in ("pw-in-args", "pw-in-msg", "pw-in-trace"):
        assert secret not in shown
    assert shown.count("redis://:***@h:1/0") >= 2 and "hf:***@db" in shown
    assert scrubbing[2].args == ("127.0.0.1", "GET", "/x")


def test_a_bad_setting_is_reported_without_its_value(tmp_path: Path) -> None:
    """A secret too short to be valid is quoted by the settings' error: scrubbed all the same."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HONORFLOW_")}
    env.update(
        HONORFLOW_METRICS_TOKEN="tooShort1",
        HONORFLOW_DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        PYTHONPATH=str(ROOT),
    )
    shown = subprocess.run(
        [sys.executable, "-m", "cli.main", "db", "current"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode != 0
    assert "metrics_token" in shown.stderr
    assert "tooShort1" not in shown.stdout + shown.stderr
