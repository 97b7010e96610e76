"""Audit lanes: each campaign's events are a chain of their own, verified lane by lane, and
changes in different campaigns do not wait on one another's head row."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from config.audit_key import AuditKey, load_audit_key
from config.settings import Settings
from models import AuditEvent, AuditHead
from models.db import make_session_factory
from models.uow import UnitOfWork
from tests.conftest import T0, make_campaign
from workflow import audit, audit_verify
from workflow.queries.operations import StateChangeTally
from workflow.services.audit_anchor import anchor_chain, last_anchor, verify_chain
from workflow.services.audit_seal import rotate_key, seal_chain

KEY = AuditKey(b"k" * 32)


def _append(
    sf: sessionmaker[Session], campaign_id: int | None, i: int, key: AuditKey | None = None
) -> audit.Appended:
    with UnitOfWork(sf, audit_key=key) as uow:
        entry = audit.AuditEntry("王审核（工作专班）", "pass", campaign_id, reason=f"理由{i}")
        appended = audit.append(uow, T0 + timedelta(minutes=i), entry)
        uow.commit()
    return appended


def _two_campaigns(sf: sessionmaker[Session]) -> tuple[int, int]:
    return make_campaign(sf), make_campaign(sf, code="jx2027")


def _lanes(sf: sessionmaker[Session]) -> dict[int, list[int]]:
    """Each lane's seqs in the order the events were stored."""
    with UnitOfWork(sf) as uow:
        rows = uow.session.execute(
            select(AuditEvent.lane, AuditEvent.seq, AuditEvent.campaign_id).order_by(AuditEvent.id)
        ).all()
    lanes: dict[int, list[int]] = {}
    for lane, seq, campaign_id in rows:
        assert lane == (campaign_id or 0)
        lanes.setdefault(lane, []).append(seq)
    return lanes


def _verify(sf: sessionmaker[Session], key: AuditKey | None = None) -> audit_verify.ChainReport:
    with UnitOfWork(sf) as uow:
        return audit_verify.verify(uow.session, batch=3, key=key)


def test_two_campaigns_chain_in_lanes_of_their_own(sf: sessionmaker[Session]) -> None:
    a, b = _two_campaigns(sf)
    before = _lanes(sf)  # what creating the campaigns recorded
    for i in range(5):  # interleaved: a, b, a, none, a, b, …
        _append(sf, a, i)
        if i % 2:
            _append(sf, b, i)
        if i == 2:
            _append(sf, None, i)
    lanes = _lanes(sf)
    for lane in (a, b, 0):
        assert lanes[lane] == list(range(1, len(lanes[lane]) + 1))  # 1..n in each lane
    assert len(lanes[a]) == len(before.get(a, [])) + 5
    assert len(lanes[b]) == len(before.get(b, [])) + 2
    with UnitOfWork(sf) as uow:
        heads = {h.lane: h.seq for h in uow.session.execute(select(AuditHead.lane, AuditHead.seq))}
    assert heads == {lane: len(seqs) for lane, seqs in lanes.items()}
    total = sum(len(seqs) for seqs in lanes.values())
    assert _verify(sf) == audit_verify.ChainReport(True, total, lanes=3)


def test_tampering_in_one_lane_is_reported_naming_that_lane(sf: sessionmaker[Session]) -> None:
    a, b = _two_campaigns(sf)
    for i in range(4):
        _append(sf, a, i)
        _append(sf, b, i)
    with UnitOfWork(sf) as uow:
        target = uow.session.scalar(select(AuditEvent.seq).where(AuditEvent.lane == b).limit(1))
        assert target is not None
        target += 2
        uow.session.execute(
            update(AuditEvent)
            .where(AuditEvent.lane == b, AuditEvent.seq == target)
            .values(reason="篡改")
        )
        uow.commit()
    report = _verify(sf)
    assert not report.ok
    assert (report.first_bad_lane, report.first_bad_seq) == (b, target)
    altered = f"event {target} was altered: its content does not match its hash"
    assert report.said("en") == f"campaign {b}'s chain: {altered}"
    assert f"活动 {b} 的审计链：第{target}条记录被改动过" in report.said()


def test_an_event_moved_to_another_lane_is_caught(sf: sessionmaker[Session]) -> None:
    a, b = _two_campaigns(sf)
    for i in range(3):
        _append(sf, a, i, KEY)
        _append(sf, b, i, KEY)
    with UnitOfWork(sf) as uow:  # a's last event put at the end of b's lane, both heads moved
        s = uow.session
        last_a = s.scalars(
            select(AuditEvent).where(AuditEvent.lane == a).order_by(AuditEvent.seq.desc())
        ).first()
        head_b = s.scalars(select(AuditHead).where(AuditHead.lane == b)).one()
        assert last_a is not None
        prev_a = s.scalars(
            select(AuditEvent).where(AuditEvent.lane == a, AuditEvent.seq == last_a.seq - 1)
        ).one()
        moved_seq = head_b.seq + 1
        s.execute(
            update(AuditEvent).where(AuditEvent.id == last_a.id).values(lane=b, seq=moved_seq)
        )
        s.execute(
            update(AuditHead).where(AuditHead.lane == b).values(seq=moved_seq, hash=last_a.hash)
        )
        s.execute(
            update(AuditHead).where(AuditHead.lane == a).values(seq=prev_a.seq, hash=prev_a.hash)
        )
        uow.commit()
    report = _verify(sf, KEY)
    assert not report.ok and report.first_bad_lane == b and report.problem is not None
    assert report.problem.code in {"chain.reordered", "chain.unlinked", "chain.wrong_lane"}


def test_a_head_moved_to_another_lane_is_caught(sf: sessionmaker[Session]) -> None:
    a, b = _two_campaigns(sf)
    for i in range(3):
        _append(sf, a, i, KEY)
    assert _verify(sf, KEY).ok is False  # the campaigns' creation is not sealed: seal it
    with UnitOfWork(sf, audit_key=KEY) as uow:
        seal_chain(uow, T0)
    assert _verify(sf, KEY).ok
    with UnitOfWork(sf) as uow:
        uow.session.execute(update(AuditHead).where(AuditHead.lane == a).values(lane=b + 100))
        uow.commit()
    report = _verify(sf, KEY)
    assert not report.ok and report.first_bad_lane == a
    assert "no head" in report.said("en")


def test_a_whole_lane_moved_is_caught_by_its_heads_seal(sf: sessionmaker[Session]) -> None:
    """Lane 0 may hold campaigns' events (those written before lanes): a campaign's whole
    lane, events and head, passed off as lane 0 still fails, on the head's seal (its lane)."""
    a, _ = _two_campaigns(sf)
    with UnitOfWork(sf) as uow:
        uow.session.execute(delete(AuditEvent))
        uow.session.execute(delete(AuditHead))
        uow.commit()
    for i in range(3):
        _append(sf, a, i, KEY)
    assert _verify(sf, KEY).ok
    with UnitOfWork(sf) as uow:
        uow.session.execute(update(AuditEvent).values(lane=0))
        uow.session.execute(update(AuditHead).values(lane=0))
        uow.commit()
    report = _verify(sf, KEY)
    assert not report.ok and report.first_bad_lane == 0
    assert "seal does not match" in report.said("en")


def test_a_heads_seal_names_its_lane_and_lane_0_keeps_the_seal_of_before() -> None:
    digest = "ab" * 32
    assert audit.head_seal(KEY, 7, digest) == KEY.seal(f"audit head 7 {digest}")
    assert audit.head_seal(KEY, 7, digest, 0) == audit.head_seal(KEY, 7, digest)
    seals = {audit.head_seal(KEY, 7, digest, lane) for lane in (0, 5, 6)}
    assert len(seals) == 3


# --- concurrency on PostgreSQL ----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("b_has_head", [True, False], ids=["b-head-exists", "b-first-event"])
def test_appends_in_different_campaigns_do_not_wait_on_each_other(
    pg_engine: Engine, b_has_head: bool
) -> None:
    sf = make_session_factory(pg_engine)
    a, b = _two_campaigns(sf)
    _append(sf, a, 0)
    if b_has_head:
        _append(sf, b, 0)
    else:
        with UnitOfWork(sf) as uow:
            uow.session.execute(delete(AuditEvent).where(AuditEvent.lane == b))
            uow.session.execute(delete(AuditHead).where(AuditHead.lane == b))
            uow.commit()
    with UnitOfWork(sf) as first:  # appended in a, holding a's head, not committed
        audit.append(first, T0, audit.AuditEntry("甲", "pass", a))
        with UnitOfWork(sf) as second:  # must neither wait nor fail: a short lock timeout
            second.session.execute(text("SET LOCAL lock_timeout = '500ms'"))
            appended = audit.append(second, T0, audit.AuditEntry("乙", "pass", b))
            second.commit()
        first.commit()
    lanes = _lanes(sf)
    assert appended.lane == b and appended.seq == len(lanes[b])
    assert lanes[a] == list(range(1, len(lanes[a]) + 1))
    assert _verify(sf).ok


@pytest.mark.postgres
@pytest.mark.parametrize("a_has_head", [True, False], ids=["head-exists", "first-event"])
def test_appends_in_one_campaign_still_serialise_without_a_fork(
    pg_engine: Engine, a_has_head: bool
) -> None:
    sf = make_session_factory(pg_engine)
    a, _ = _two_campaigns(sf)
    with UnitOfWork(sf) as uow:  # the lane starts empty, or even without its head row
        uow.session.execute(delete(AuditEvent).where(AuditEvent.lane == a))
        uow.session.execute(delete(AuditHead).where(AuditHead.lane == a))
        uow.commit()
    if a_has_head:
        _append(sf, a, 0)
    done: list[audit.Appended] = []

    def second() -> None:
        with UnitOfWork(sf) as uow:
            done.append(audit.append(uow, T0, audit.AuditEntry("乙", "pass", a)))
            uow.commit()

    with UnitOfWork(sf) as first:
        mine = audit.append(first, T0, audit.AuditEntry("甲", "pass", a))
        with UnitOfWork(sf) as impatient, pytest.raises(OperationalError, match="lock"):
            impatient.session.execute(text("SET LOCAL lock_timeout = '200ms'"))
            audit.append(impatient, T0, audit.AuditEntry("丙", "pass", a))  # it must wait
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)
        assert thread.is_alive() and not done  # waiting on the lane's head
        first.commit()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert done[0].seq == mine.seq + 1 and done[0].lane == mine.lane == a
    expected = list(range(1, mine.seq + 2))
    assert _lanes(sf)[a] == expected  # one chain, no fork
    assert _verify(sf).ok


# --- anchors, sealing and rotation reach every lane -------------------------------------------


def _settings(folder: Path) -> Settings:
    return Settings(data_dir=folder / "data", admin_email="office@jx.example")


def test_an_anchor_records_every_lane_and_catches_one_lane_cut_back(
    sf: sessionmaker[Session], tmp_path: Path
) -> None:
    settings, anchors = _settings(tmp_path), _settings(tmp_path).resolved_audit_anchor_file()
    a, b = _two_campaigns(sf)
    with UnitOfWork(sf, audit_key=KEY) as uow:
        seal_chain(uow, T0)
    for i in range(3):
        _append(sf, a, i, KEY)
        _append(sf, b, i, KEY)
    with UnitOfWork(sf, audit_key=KEY) as uow:
        anchor = anchor_chain(uow, settings, T0)
    with UnitOfWork(sf) as uow:
        rows = uow.session.scalars(select(AuditHead)).all()
        heads = {h.lane: (h.seq, h.hash) for h in rows}
    assert dict(anchor.lanes) == heads and set(heads) == {0, a, b}
    assert last_anchor(anchors) == anchor
    _append(sf, a, 9, KEY)  # the chain goes on: still holds the anchor
    with UnitOfWork(sf, audit_key=KEY) as uow:
        assert verify_chain(uow, anchors).ok
    with UnitOfWork(sf) as uow:  # b's last event cut off by a key holder, its head resealed
        seq, _ = heads[b]
        prev = uow.session.scalars(
            select(AuditEvent.hash).where(AuditEvent.lane == b, AuditEvent.seq == seq - 1)
        ).one()
        uow.session.execute(delete(AuditEvent).where(AuditEvent.lane == b, AuditEvent.seq == seq))
        seal = audit.head_seal(KEY, seq - 1, prev, b)
        moved = update(AuditHead).where(AuditHead.lane == b)
        uow.session.execute(moved.values(seq=seq - 1, hash=prev, seal=seal))
        uow.commit()
    assert _verify(sf, KEY).ok  # with the key alone it looks fine
    with UnitOfWork(sf, audit_key=KEY) as uow:
        report = verify_chain(uow, anchors)
    assert not report.ok and report.first_bad_lane == b and "held" in report.said("en")


def test_an_anchor_written_before_lanes_anchors_lane_0(tmp_path: Path) -> None:
    path = tmp_path / "anchors.log"
    path.write_text('{"seq": 4, "hash": "ab", "at": "2026-03-02T01:00:00+00:00"}\n')
    anchor = last_anchor(path)
    assert dict(anchor.lanes) == {0: (4, "ab")} and anchor.seq == 4


def test_sealing_reaches_every_unsealed_lane(sf: sessionmaker[Session]) -> None:
    a, b = _two_campaigns(sf)
    _append(sf, a, 1)
    _append(sf, None, 2)
    report = _verify(sf, KEY)
    assert not report.ok and "audit seal" in report.said("en")
    with UnitOfWork(sf, audit_key=KEY) as uow:
        sealed = seal_chain(uow, T0)
    assert sealed.lane == 0
    assert _verify(sf, KEY) == audit_verify.ChainReport(
        True, sum(len(s) for s in _lanes(sf).values()), keyed_from=sealed.seq, lanes=3
    )
    assert {lane: seqs[-1] for lane, seqs in _lanes(sf).items()}.keys() == {0, a, b}


def test_rotation_reseals_every_lanes_head(sf: sessionmaker[Session], tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    first = load_audit_key(settings)
    a, b = _two_campaigns(sf)
    with UnitOfWork(sf, audit_key=first) as uow:
        seal_chain(uow, T0)
    _append(sf, a, 1, first)
    with UnitOfWork(sf, audit_key=first) as uow:
        _, new_id = rotate_key(uow, settings, T0)
    keys = load_audit_key(settings)
    with UnitOfWork(sf) as uow:
        heads = uow.session.scalars(select(AuditHead)).all()
    assert {h.lane for h in heads} == {0, a, b}
    for head in heads:
        assert head.key_id == new_id
        assert head.seal == audit.head_seal(keys, head.seq, head.hash, head.lane)
    assert _verify(sf, keys).ok


@pytest.mark.postgres
def test_the_state_change_tally_counts_an_event_committed_after_a_later_one(
    pg_engine: Engine,
) -> None:
    """Ids are taken in one order and committed in another across lanes: the tally reads each
    lane up to its head, so an event that commits late is still counted, once."""
    sf = make_session_factory(pg_engine)
    a, b = _two_campaigns(sf)
    tally = StateChangeTally()
    with UnitOfWork(sf) as uow:
        before = tally.update(uow).get("pass", 0)
    change = {"from_state": "submitted", "to_state": "qualification"}
    with UnitOfWork(sf) as first:  # takes the lower id, commits last
        audit.append(first, T0, audit.AuditEntry("甲", "pass", a, **change))
        _append_change(sf, b, change)
        with UnitOfWork(sf) as uow:
            assert tally.update(uow).get("pass", 0) == before + 1
        first.commit()
    with UnitOfWork(sf) as uow:
        assert tally.update(uow).get("pass", 0) == before + 2
    with UnitOfWork(sf) as uow:
        assert tally.update(uow).get("pass", 0) == before + 2  # nothing counted twice


def _append_change(sf: sessionmaker[Session], campaign_id: int, change: dict[str, str]) -> None:
    with UnitOfWork(sf) as uow:
        audit.append(uow, T0, audit.AuditEntry("乙", "pass", campaign_id, **change))
        uow.commit()
