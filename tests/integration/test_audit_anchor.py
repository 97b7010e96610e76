"""Rotating the audit key, and anchoring the chain's head outside the database."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from config.audit_key import AuditKey, load_audit_key
from config.settings import Settings
from models import AuditEvent, AuditHead, OutboxMessage
from models.uow import UnitOfWork
from tests.conftest import T0
from tests.integration.test_audit_keyed import write
from workflow import audit, audit_verify
from workflow.errors import InvalidInput, InvalidState
from workflow.services.audit_anchor import anchor_chain, last_anchor, verify_chain
from workflow.services.audit_seal import rotate_key


def settings_in(folder: Path) -> Settings:
    return Settings(data_dir=folder / "data", admin_email="office@jx.example")


def test_rotation_keeps_the_old_key_for_what_it_sealed_and_is_recorded(
    sf: sessionmaker[Session], tmp_path: Path
) -> None:
    settings = settings_in(tmp_path)
    first = load_audit_key(settings)
    write(sf, 3, first)
    with UnitOfWork(sf, audit_key=first) as uow:
        appended, new_id = rotate_key(uow, settings, T0)
    keys = load_audit_key(settings)
    path = settings.resolved_audit_key_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text(encoding="ascii").split()) == 2
    assert keys.id == new_id != first.id and keys.older == (AuditKey(first.secret),)
    with UnitOfWork(sf) as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.seq == 4)).one()
    assert (appended.seq, event.trigger, event.key_id) == (4, "audit_key_rotated", new_id)
    assert event.payload == {"from_key_id": first.id, "to_key_id": new_id}
    write(sf, 2, keys, start=3)  # new events under the new key
    write(sf, 1, first, start=5)  # a process not yet restarted still seals with the old key
    with UnitOfWork(sf) as uow:
        intact = audit_verify.ChainReport(True, 7, keyed_from=1, lanes=1)
        assert audit_verify.verify(uow.session, key=keys) == intact
        alone = audit_verify.verify(uow.session, key=AuditKey(keys.secret))  # the old key lost
    assert not alone.ok and alone.first_bad_seq == 1 and "not available" in alone.said("en")


def test_a_key_given_by_a_setting_is_rotated_in_the_settings(
    sf: sessionmaker[Session], tmp_path: Path
) -> None:
    old, new = "o" * 40, "n" * 40
    before = Settings(data_dir=tmp_path, audit_key=old)
    write(sf, 2, load_audit_key(before))
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState):
        rotate_key(uow, before, T0)
    after = load_audit_key(Settings(data_dir=tmp_path, audit_key=new, audit_keys_old=[old]))
    write(sf, 2, after, start=2)
    with UnitOfWork(sf) as uow:
        assert audit_verify.verify(uow.session, key=after).ok
    assert not (tmp_path / "audit.key").exists()


def test_an_anchor_goes_to_the_file_the_log_and_the_office(
    sf: sessionmaker[Session], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings, key = settings_in(tmp_path), AuditKey(b"k" * 32)
    write(sf, 5, key)
    with caplog.at_level(logging.INFO), UnitOfWork(sf, audit_key=key) as uow:
        anchor = anchor_chain(uow, settings, T0)
    lines = settings.resolved_audit_anchor_file().read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["seq"] == anchor.seq == 5
    assert json.loads(lines[0])["key_id"] == key.id and anchor.digest in caplog.text
    with UnitOfWork(sf) as uow:
        mail = uow.session.scalars(select(OutboxMessage)).one()
    assert (mail.kind, mail.recipient) == ("audit_anchor", "office@jx.example")
    assert mail.context["hash"] == anchor.digest and mail.context["seq"] == 5
    write(sf, 2, key, start=5)
    with UnitOfWork(sf, audit_key=key) as uow:
        anchor_chain(uow, settings, T0)  # a second anchor is appended, the first stays
    assert len(settings.resolved_audit_anchor_file().read_text().splitlines()) == 2
    assert last_anchor(settings.resolved_audit_anchor_file()).seq == 7


def test_verify_against_an_anchor_catches_what_the_key_alone_cannot(
    sf: sessionmaker[Session], tmp_path: Path
) -> None:
    """An older backup restored, or a rewrite by whoever holds the key: both valid chains."""
    settings, key = settings_in(tmp_path), AuditKey(b"k" * 32)
    anchors = settings.resolved_audit_anchor_file()
    write(sf, 5, key)
    with UnitOfWork(sf, audit_key=key) as uow:
        anchor_chain(uow, settings, T0)
    write(sf, 2, key, start=5)
    with UnitOfWork(sf, audit_key=key) as uow:
        intact = audit_verify.ChainReport(True, 7, keyed_from=1, anchored_at=5, lanes=1)
        assert verify_chain(uow, anchors) == intact
    with UnitOfWork(sf, audit_key=key) as uow:  # back to 3 events, the head resealed
        third = uow.session.scalars(select(AuditEvent.hash).where(AuditEvent.seq == 3)).one()
        uow.session.execute(delete(AuditEvent).where(AuditEvent.seq > 3))
        seal = audit.head_seal(key, 3, third)
        uow.session.execute(update(AuditHead).values(seq=3, hash=third, seal=seal))
        assert audit_verify.verify(uow.session, key=key).ok  # with the key alone it looks fine
        shrunk = verify_chain(uow, anchors)
    assert not shrunk.ok and "held 5" in shrunk.said("en")


def test_a_chain_rewritten_with_the_key_differs_from_its_anchor(
    sf: sessionmaker[Session], tmp_path: Path
) -> None:
    settings, key = settings_in(tmp_path), AuditKey(b"k" * 32)
    write(sf, 4, key)
    with UnitOfWork(sf, audit_key=key) as uow:
        anchor_chain(uow, settings, T0)
    with UnitOfWork(sf, audit_key=key) as uow:  # rewritten from scratch by a key holder
        uow.session.execute(delete(AuditEvent))
        uow.session.execute(update(AuditHead).values(seq=0, hash=audit.GENESIS, seal=None))
        uow.commit()
    write(sf, 4, key, start=10)
    with UnitOfWork(sf, audit_key=key) as uow:
        assert audit_verify.verify(uow.session, key=key).ok
        report = verify_chain(uow, settings.resolved_audit_anchor_file())
    assert not report.ok and "differs from its anchor" in report.said("en")


def test_a_broken_chain_is_not_anchored(sf: sessionmaker[Session], tmp_path: Path) -> None:
    settings, key = settings_in(tmp_path), AuditKey(b"k" * 32)
    write(sf, 3, key)
    with UnitOfWork(sf) as uow:
        uow.session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(reason="改"))
        uow.commit()
    with UnitOfWork(sf, audit_key=key) as uow, pytest.raises(InvalidState):
        anchor_chain(uow, settings, T0)
    assert not settings.resolved_audit_anchor_file().exists()


GOOD = '{"seq": 1, "hash": "00", "at": "2026-03-02T01:00:00+00:00"}\n'


@pytest.mark.parametrize(
    "content", [None, "", "\n\n", GOOD + '{"seq": "x"}\n', GOOD + "not json\n", '{"seq": 1}']
)
def test_an_unreadable_anchor_file_is_refused_naming_it(
    tmp_path: Path, content: str | None
) -> None:
    path = tmp_path / "anchors.log"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        last_anchor(path)
    assert str(path) in refused.value.message.render("en")


def test_the_command_line_rotates_anchors_and_verifies_against_the_anchor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from cli.main import cli
    from config.settings import get_settings
    from tests.latin import latin_words

    monkeypatch.setenv("HONORFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'hf.sqlite3'}")
    monkeypatch.setenv("HONORFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HONORFLOW_LOCALE", "zh-CN")
    get_settings.cache_clear()

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    try:
        run("db", "upgrade")
        rotated = run("audit", "rotate-key")  # the first key is made, then rotated
        assert "第1条记录" in rotated and not latin_words(rotated)
        assert len((tmp_path / "data" / "audit.key").read_text(encoding="ascii").split()) == 2
        anchored = json.loads(run("--json", "audit", "anchor"))
        assert anchored["seq"] == 1 and Path(anchored["file"]).name == "audit-anchors.log"
        report = json.loads(run("--json", "audit", "verify", "--anchor"))  # the anchor file
        assert report["ok"] and report["anchored_at"] == 1 and report["keyed_from"] == 1
        with pytest.raises(InvalidInput, match=r"none\.log"):
            CliRunner().invoke(
                cli,
                ["audit", "verify", "--anchor", str(tmp_path / "none.log")],
                catch_exceptions=False,
            )
    finally:
        get_settings.cache_clear()


def test_the_beat_anchors_daily_unless_turned_off(tmp_path: Path) -> None:
    from tasks.app import beat_schedule

    entry = beat_schedule(Settings(data_dir=tmp_path, audit_anchor_hour=4))["audit-anchor"]
    assert entry["task"] == "honorflow.anchor_audit" and entry["schedule"].hour == {4}
    assert "audit-anchor" not in beat_schedule(Settings(data_dir=tmp_path, audit_anchor_hour=None))


def test_rotations_at_once_keep_every_key(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from config.audit_key import rotate_key_file

    settings = settings_in(tmp_path)
    load_audit_key(settings)
    with ThreadPoolExecutor(4) as pool:
        added = list(pool.map(lambda _: rotate_key_file(settings)[1].id, range(8)))
    keys = load_audit_key(settings)
    assert len(keys.older) == 8 and all(keys.for_id(key_id) for key_id in added)
