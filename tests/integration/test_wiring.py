"""The composition root: what it wires, and that loading it pulls in no Celery or SMTP."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config import wiring
from config.settings import Settings
from models import Base
from notifications.outbox import queue_message
from notifications.samples import SAMPLES
from tests.conftest import ROOT, T0


def settings_in(tmp_path: Path, **values: object) -> Settings:
    return Settings(data_dir=tmp_path, **values)  # type: ignore[arg-type]


def test_the_clock_is_real_or_fixed() -> None:
    assert wiring.clock_at(None) is wiring.utc_now
    assert wiring.utc_now().tzinfo is UTC
    fixed = wiring.clock_at("2026-03-02T09:00:00+08:00")
    assert fixed() == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert wiring.clock_at("2026-03-02 09:00")() == fixed()  # without a zone: Beijing time
    with pytest.raises(ValueError):
        wiring.clock_at("next Monday")


def test_messages_are_published_only_when_workers_can_hear_them(tmp_path: Path) -> None:
    assert wiring.publisher(settings_in(tmp_path)) is None
    redis = settings_in(tmp_path, broker_url="redis://127.0.0.1:6379/0")
    assert wiring.publisher(redis) is wiring.publish_messages
    (tmp_path / "broker" / "queue").mkdir(parents=True)  # a worker made its queue folder
    assert wiring.publisher(settings_in(tmp_path)) is wiring.publish_messages


def test_the_unit_of_work_hands_committed_messages_to_the_publisher(tmp_path: Path) -> None:
    wired = wiring.wire(settings_in(tmp_path))
    assert wired.engine.url.database == str(tmp_path / "honorflow.sqlite3")
    Base.metadata.create_all(wired.engine)
    published: list[list[int]] = []
    wired = wiring.Wiring(wired.settings, wired.session_factory, published.append)
    queued: list[int] = []
    for commit in (False, True):  # a use case that rolls back publishes nothing
        with wired.new_uow() as uow:
            queue_message(
                uow,
                key=f"k{commit}",
                kind="reminder",
                recipient="a@example.org",
                now=T0,
                context=SAMPLES["reminder"],
            )
            if commit:
                queued = list(uow.queued_messages)
                uow.commit()
    assert len(queued) == 1 and published == [queued]
    assert wiring.over(wired.session_factory).publish is None
    wired.engine.dispose()


def test_loading_the_root_imports_no_celery_smtp_or_entry_point() -> None:
    code = (
        "import sys, config.wiring\n"
        "loaded = {m.split('.')[0] for m in sys.modules} | set(sys.modules)\n"
        "bad = loaded & {'celery', 'tasks', 'cli', 'web', 'workflow', 'smtplib',"
        " 'notifications.transport'}\n"
        "print(sorted(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
