"""The demo's mail goes out from a second process too, beside the round where the database
allows it, each message once; and the demo refuses a database that already holds data."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from config.wiring import Wiring, wire
from demo.mail import MailSender
from models import OutboxMessage
from models.db import make_session_factory
from models.scheduling import SENT
from tests.conftest import sqlite_engine
from tests.integration.test_cli import Honorflow
from tests.integration.test_relay_batches import queue


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = sqlite_engine(tmp_path)
    yield eng
    eng.dispose()


@pytest.fixture
def wiring(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Wiring:
    """The settings the demo's second process reads from the environment, and its wiring."""
    for name in ("SMTP_HOST", "BROKER_URL", "AUDIT_KEY"):
        monkeypatch.delenv(f"HONORFLOW_{name}", raising=False)
    monkeypatch.setenv("HONORFLOW_DATABASE_URL", engine.url.render_as_string(False))
    monkeypatch.setenv("HONORFLOW_DATA_DIR", str(tmp_path / "data"))
    return wire(Settings())


def sent_rows(sf: sessionmaker[Session]) -> list[tuple[str, int]]:
    with sf() as session:
        rows = session.execute(select(OutboxMessage.status, OutboxMessage.attempts))
        return [(status, attempts) for status, attempts in rows]


def mail_files(wiring: Wiring) -> list[Path]:
    return sorted(wiring.settings.resolved_mail_folder().glob("*.eml"))


def test_beside_the_round_the_second_process_sends_while_the_first_is_busy(
    engine: Engine, wiring: Wiring
) -> None:
    sf = make_session_factory(engine)
    queue(sf, 60)
    with MailSender(beside_the_round=True) as beside:
        deadline = time.monotonic() + 120
        while sent_rows(sf).count((SENT, 1)) < 60:  # the first process sends nothing meanwhile
            assert time.monotonic() < deadline, sent_rows(sf)
            time.sleep(0.2)
        results = beside.finish(wiring)
    assert results == {"sent": 60}
    assert len(mail_files(wiring)) == 60


@pytest.mark.parametrize("beside_the_round", [True, False])
def test_what_is_left_at_the_end_is_sent_once_by_one_of_the_two(
    engine: Engine, wiring: Wiring, beside_the_round: bool
) -> None:
    sf = make_session_factory(engine)
    with MailSender(beside_the_round=beside_the_round) as beside:
        queue(sf, 200)  # queued late, as the committee's result letters are
        results = beside.finish(wiring)
    assert results == {"sent": 200}
    assert sent_rows(sf) == [(SENT, 1)] * 200  # none sent twice
    assert len(mail_files(wiring)) == 200
    with sf() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 200


def test_without_go_the_second_process_sends_nothing(engine: Engine, wiring: Wiring) -> None:
    sf = make_session_factory(engine)
    queue(sf, 5)
    with MailSender(beside_the_round=False) as waiting:
        time.sleep(3)  # it has started and would have sent by now if it were sending
        assert sent_rows(sf) == [("pending", 0)] * 5
        assert waiting.finish(wiring) == {"sent": 5}


@pytest.mark.parametrize("gone", [False, True], ids=["dying", "gone"])
def test_a_sender_that_dies_is_reported_not_taken_for_nothing_sent(
    engine: Engine, wiring: Wiring, gone: bool
) -> None:
    with MailSender(beside_the_round=False) as beside:
        beside._process.kill()
        if gone:  # its end of the pipe is closed: telling it to go breaks the pipe
            beside._process.wait()
        with pytest.raises(RuntimeError, match="mail sender stopped"):
            beside.finish(wiring)


def test_the_demo_refuses_a_database_that_holds_data_in_chinese(tmp_path: Path) -> None:
    hf = Honorflow(tmp_path)
    hf.run("db", "upgrade")  # the tables exist: the demo would mix its campaign into them
    refused = hf.run("demo", "--scale", "small", ok=False)
    assert refused.returncode == 11
    assert "已有数据" in refused.stderr and "honorflow demo --reset" in refused.stderr
    answer = json.loads(hf.run("--json", "demo", ok=False).stderr)
    assert answer["error"]["code"] == "error.demo.not_empty"
