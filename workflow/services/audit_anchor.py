"""Anchoring the audit chain: its head written where the database cannot change it.

`anchor_chain` verifies the chain, then appends the head (seq, hash, time, key id) as one JSON
line to the anchor file (append-only), logs it at INFO and queues an e-mail with it to the
office. `verify_chain` checks the chain and, given an anchor file, that the chain still holds
its last anchor with the same hash and has not shrunk below it (workflow/audit_verify.py).
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
    head = uow.session.execute(
        select(AuditHead.seq, AuditHead.hash, AuditHead.key_id).where(AuditHead.id == 1)
    ).one()
    anchor = Anchor(head.seq, head.hash, now, head.key_id)
    line = anchor_line(anchor)
    _append(settings.resolved_audit_anchor_file(), line)
    log.info("audit anchor %s", line)
    queue_message(
        uow,
        key=f"audit_anchor:{anchor.seq}:{now.isoformat()}",
        kind=AuditAnchored.kind,
        recipient=settings.admin_email,
        now=now,
        context=AuditAnchored(anchor.seq, anchor.hash, stored(now), anchor.key_id or ""),
    )
    uow.commit()
    return anchor


def verify_chain(uow: UnitOfWork, anchor_file: Path | None = None) -> ChainReport:
    """Verify the chain with the deployment's keys, against the file's last anchor if given."""
    anchor = last_anchor(anchor_file) if anchor_file is not None else None
    return verify(uow.session, key=uow.audit_key, anchor=anchor)


def anchor_line(anchor: Anchor) -> str:
    """An anchor as the one JSON line the anchor file keeps."""
    return json.dumps(
        {
            "seq": anchor.seq,
            "hash": anchor.hash,
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
        seq, digest = data["seq"], data["hash"]
        if not isinstance(seq, int) or seq < 0 or not isinstance(digest, str):
            raise ValueError(text[:80])
        return Anchor(seq, digest, datetime.fromisoformat(data["at"]), data.get("key_id"))
    except (ValueError, KeyError, TypeError):
        problem = msg("error.audit.anchor_unreadable", file=str(path), line=number)
        raise InvalidInput("anchor", problem) from None


def _append(path: Path, line: str) -> None:
    """Append one line and flush it to disk; earlier lines are never rewritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    with os.fdopen(descriptor, "a", encoding="utf-8") as out:
        out.write(line + "\n")
        out.flush()
        os.fsync(out.fileno())
