"""Anchoring the audit chain: its head written where the database cannot change it.

`anchor_chain` verifies the chain, then appends every lane's head (lane -> seq, hash; the time,
the key id) as one JSON line to the anchor file (append-only), logs it at INFO and queues an
e-mail to the office with the events anchored and one digest over the heads. `verify_chain`
checks the chain and, given an anchor file, that every lane still holds its head of the last
anchor with the same hash and has not shrunk below it (workflow/audit_verify.py). A line
written before lanes (one seq and hash) anchors lane 0.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from config.catalogue import msg
from config.settings import Settings
from models import AuditHead
from models.audit import LANE_NONE
from models.uow import UnitOfWork
from notifications.contexts import AuditAnchored
from notifications.outbox import queue_message
from workflow.audit_verify import Anchor, ChainReport, verify
from workflow.errors import InvalidInput, InvalidState
from workflow.messages import stored

log = logging.getLogger(__name__)


def anchor_chain(uow: UnitOfWork, settings: Settings, now: datetime) -> Anchor:
    """Write the verified head to the anchor file and the log, and mail it to the office."""
    report = verify(uow.session, key=uow.audit_key)
    if not report.ok:
        raise InvalidState(msg("error.audit.anchor_broken", seq=report.first_bad_seq))
    heads = uow.session.execute(
        select(AuditHead.lane, AuditHead.seq, AuditHead.hash).order_by(AuditHead.lane)
    ).all()
    key_id = uow.audit_key.id if uow.audit_key is not None else None
    anchor = Anchor({h.lane: (h.seq, h.hash) for h in heads}, now, key_id)
    line = anchor_line(anchor)
    _append(settings.resolved_audit_anchor_file(), line)
    log.info("audit anchor %s", line)
    queue_message(
        uow,
        key=f"audit_anchor:{anchor.seq}:{now.isoformat()}",
        kind=AuditAnchored.kind,
        recipient=settings.admin_email,
        now=now,
        context=AuditAnchored(
            anchor.seq, anchor.digest, stored(now), anchor.key_id or "", len(anchor.lanes)
        ),
    )
    uow.commit()
    return anchor


def verify_chain(uow: UnitOfWork, anchor_file: Path | None = None) -> ChainReport:
    """Verify the chain with the deployment's keys, against the file's last anchor if given."""
    anchor = last_anchor(anchor_file) if anchor_file is not None else None
    return verify(uow.session, key=uow.audit_key, anchor=anchor)


def anchor_line(anchor: Anchor) -> str:
    """An anchor as the one JSON line the anchor file keeps."""
    lanes = {str(lane): {"seq": seq, "hash": h} for lane, (seq, h) in anchor.lanes.items()}
    return json.dumps(
        {
            "lanes": lanes,
            "seq": anchor.seq,
            "digest": anchor.digest,
            "at": anchor.at.isoformat(timespec="seconds"),
            "key_id": anchor.key_id,
        },
        sort_keys=True,
    )


def last_anchor(path: Path) -> Anchor:
    """The newest anchor of an anchor file; InvalidInput naming the file and line if unreadable."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise InvalidInput("anchor", msg("error.audit.anchor_missing", file=str(path))) from None
    numbered = [(n, text) for n, text in enumerate(lines, 1) if text.strip()]
    if not numbered:
        raise InvalidInput("anchor", msg("error.audit.anchor_missing", file=str(path)))
    number, text = numbered[-1]
    try:
        data = json.loads(text)
        if "lanes" in data:
            lanes = {int(lane): _head(head) for lane, head in data["lanes"].items()}
        else:  # a line written before lanes: the one chain, now lane 0
            lanes = {LANE_NONE: _head(data)}
        return Anchor(lanes, datetime.fromisoformat(data["at"]), data.get("key_id"))
    except (ValueError, KeyError, TypeError, AttributeError):
        problem = msg("error.audit.anchor_unreadable", file=str(path), line=number)
        raise InvalidInput("anchor", problem) from None


def _head(data: dict[str, object]) -> tuple[int, str]:
    """One lane's anchored (seq, hash); ValueError when it is not one."""
    seq, digest = data["seq"], data["hash"]
    if not isinstance(seq, int) or seq < 0 or not isinstance(digest, str):
        raise ValueError(str(data)[:80])
    return seq, digest


def _append(path: Path, line: str) -> None:
    """Append one line and flush it to disk; earlier lines are never rewritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    with os.fdopen(descriptor, "a", encoding="utf-8") as out:
        out.write(line + "\n")
        out.flush()
        os.fsync(out.fileno())
