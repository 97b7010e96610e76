"""The audit chain keyed with a secret outside the database: a rewrite without the key is caught.

The attack of the report: change an event, recompute every hash after it and move the head.
Plain SHA-256 could be recomputed by anyone who can write the database; an HMAC cannot.
"""

from __future__ import annotations

import hashlib
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from config.audit_key import AuditKey, load_audit_key
from config.settings import Settings
from models import AuditEvent, AuditHead
from models.uow import UnitOfWork
from tests.conftest import T0
from workflow import audit, audit_verify
from workflow.audit_verify import EVENT_COLUMNS, _entry
from workflow.services.audit_seal import seal_chain

KEY = AuditKey(b"k" * 32)
OTHER = AuditKey(b"o" * 32)


def write(sf: sessionmaker[Session], n: int, key: AuditKey | None, start: int = 0) -> None:
    """n events, each in its own unit of work, sealed with the key (or plain, without)."""
    for i in range(start, start + n):
        with UnitOfWork(sf, audit_key=key) as uow:
            entry = audit.AuditEntry("王审核（工作专班）", "pass", reason=f"理由{i}")
            audit.append(uow, T0 + timedelta(minutes=i), entry)
            uow.commit()


def verify(sf: sessionmaker[Session], key: AuditKey | None = KEY) -> audit_verify.ChainReport:
    with UnitOfWork(sf) as uow:
        return audit_verify.verify(uow.session, batch=4, key=key)


def rewrite_without_the_key(
    sf: sessionmaker[Session], seq: int, reason: str, strip_keys: bool = False
) -> None:
    """The attacker: alter one event, recompute every hash after it, move the head."""
    with UnitOfWork(sf) as uow:
        s = uow.session
        s.execute(update(AuditEvent).where(AuditEvent.seq == seq).values(reason=reason))
        if strip_keys:
            s.execute(update(AuditEvent).values(key_id=None))
        prev = audit.GENESIS
        for row in s.execute(select(*EVENT_COLUMNS).order_by(AuditEvent.seq)).all():
            digest = audit.event_digest(prev, row.seq, row.at, _entry(row))  # SHA-256: no key
            moved = update(AuditEvent).where(AuditEvent.id == row.id)
            s.execute(moved.values(prev_hash=prev, hash=digest))
            prev = digest
        head: dict[str, Any] = {"hash": prev}
        if strip_keys:
            head |= {"seal": None, "key_id": None}
        s.execute(update(AuditHead).where(AuditHead.id == 1).values(**head))
        uow.commit()


def test_a_keyed_chain_verifies_and_records_where_the_key_begins(
    sf: sessionmaker[Session],
) -> None:
    write(sf, 5, None)  # written before the key: plain SHA-256
    write(sf, 6, KEY, start=5)
    assert verify(sf) == audit_verify.ChainReport(True, 11, keyed_from=6, lanes=1)
    with UnitOfWork(sf) as uow:
        keys = uow.session.scalars(select(AuditEvent.key_id).order_by(AuditEvent.seq)).all()
        head = uow.session.get_one(AuditHead, 1)
    assert keys == [None] * 5 + [KEY.id] * 6
    assert head.key_id == KEY.id and head.seal == audit.head_seal(KEY, 11, head.hash)
    assert "not available" in verify(sf, None).said("en")
    assert "not available" in verify(sf, OTHER).said("en")


@pytest.mark.parametrize("target", [3, 8], ids=["before-the-key", "after-the-key"])
def test_a_rewrite_with_every_hash_recomputed_and_the_head_moved_is_caught(
    sf: sessionmaker[Session], target: int
) -> None:
    write(sf, 5, None)
    write(sf, 6, KEY, start=5)
    rewrite_without_the_key(sf, target, "篡改后的理由")
    report = verify(sf)
    assert not report.ok
    assert report.first_bad_seq == 6  # the first sealed event no longer matches its HMAC
    assert "altered" in report.said("en")


def test_stripping_every_seal_is_caught_when_the_key_is_known(sf: sessionmaker[Session]) -> None:
    write(sf, 5, None)
    write(sf, 6, KEY, start=5)
    rewrite_without_the_key(sf, 8, "篡改", strip_keys=True)
    report = verify(sf)
    assert not report.ok and "audit seal" in report.said("en")
    assert verify(sf, None).ok  # what an unkeyed check would have said


def test_an_unsealed_event_after_sealed_ones_is_caught(sf: sessionmaker[Session]) -> None:
    write(sf, 3, KEY)
    write(sf, 1, None, start=3)  # appended without the key, e.g. by a tool that has none
    report = verify(sf)
    assert not report.ok and report.first_bad_seq == 4 and "not sealed" in report.said("en")


def test_a_head_moved_without_the_key_is_caught(sf: sessionmaker[Session]) -> None:
    write(sf, 4, KEY)
    with UnitOfWork(sf) as uow:  # delete the last event and move the head back to the third
        third = uow.session.scalars(select(AuditEvent.hash).where(AuditEvent.seq == 3)).one()
        uow.session.execute(text("DELETE FROM audit_events WHERE seq = 4"))
        uow.session.execute(update(AuditHead).values(seq=3, hash=third))
        uow.commit()
    report = verify(sf)
    assert not report.ok and "seal does not match" in report.said("en")


def test_sealing_an_old_chain_keeps_its_events_verifiable(sf: sessionmaker[Session]) -> None:
    write(sf, 4, None)
    assert verify(sf, None).ok
    assert not verify(sf).ok  # a key is configured but nothing is sealed yet
    with UnitOfWork(sf, audit_key=KEY) as uow:
        assert seal_chain(uow, T0).seq == 5
    assert verify(sf) == audit_verify.ChainReport(True, 5, keyed_from=5, lanes=1)
    rewrite_without_the_key(sf, 2, "篡改")
    assert not verify(sf).ok


def test_the_key_file_is_made_once_owner_only_and_never_shown(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    key = load_audit_key(settings)
    path = tmp_path / "data" / "audit.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_audit_key(settings) == key  # read back, not made again
    secret = path.read_text(encoding="ascii").strip()
    assert len(secret) == 64 and secret not in repr(key) and secret not in key.id
    assert key.id != hashlib.sha256(secret.encode()).hexdigest()[:16]
    configured = load_audit_key(Settings(data_dir=tmp_path / "x", audit_key="s" * 40))
    assert configured.secret == b"s" * 40 and not (tmp_path / "x").exists()


def test_the_command_line_seals_with_the_key_file_and_catches_the_rewrite(tmp_path: Path) -> None:
    from models.db import make_engine, make_session_factory
    from tests.integration.test_cli import Honorflow

    hf = Honorflow(tmp_path)
    hf.run("db", "upgrade")
    assert "第1条记录" in hf.run("audit", "seal").stdout
    key_file = tmp_path / "data" / "audit.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    ok = hf.run("audit", "verify")
    assert "审计链完整（1条记录）" in ok.stdout and "自第1条记录起以审计密钥封存" in ok.stdout
    assert key_file.read_text(encoding="ascii").strip() not in ok.stdout + ok.stderr
    engine = make_engine(f"sqlite:///{hf.db}")
    rewrite_without_the_key(make_session_factory(engine), 1, "篡改")
    engine.dispose()
    broken = hf.run("--json", "audit", "verify", ok=False)
    assert broken.returncode == 1 and '"first_bad_seq": 1' in broken.stdout


def test_every_unit_of_work_over_the_wired_database_seals(tmp_path: Path) -> None:
    from config import wiring
    from models.migrate import upgrade

    settings = Settings(data_dir=tmp_path / "data")
    wired = wiring.wire(settings)
    upgrade(wired.engine)
    key = load_audit_key(settings)
    with wired.new_uow() as uow:
        assert uow.audit_key == key
    with UnitOfWork(wired.session_factory) as uow:  # as the demo and the tools make them
        assert uow.audit_key == key
    wired.engine.dispose()
