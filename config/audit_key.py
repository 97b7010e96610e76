"""The audit chain's keys: kept outside the database, so whoever can write the database cannot
recompute the chain.

The current key is `HONORFLOW_AUDIT_KEY` when set (at least 32 characters), else the last key
in the file `audit.key` in the data folder (`HONORFLOW_AUDIT_KEY_FILE` to place it elsewhere),
created on first use with a random 256-bit key, readable by its owner only (0600). The current
key seals new events; older keys (the file's earlier lines, or `HONORFLOW_AUDIT_KEYS_OLD` beside
`HONORFLOW_AUDIT_KEY`) only verify the events they sealed. `rotate_key_file` adds a new key to
the file and keeps the others. Keys are never logged or shown; events record only a key's id
(a digest that does not reveal it), which is how verification picks the key of each event.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from config.settings import Settings


@dataclass(frozen=True)
class AuditKey:
    """A secret to seal audit events with, its id, and the older keys kept for verifying."""

    secret: bytes = field(repr=False)
    # Keys rotated out: they seal nothing new, but verify the events they sealed.
    older: tuple[AuditKey, ...] = field(default=(), repr=False)

    @cached_property
    def id(self) -> str:
        """A short id of the key, recorded with each event it seals."""
        return hmac.new(self.secret, b"honorflow audit key id", hashlib.sha256).hexdigest()[:16]

    def seal(self, text: str) -> str:
        """The HMAC-SHA256 of a text under this key, in hex."""
        return hmac.new(self.secret, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def for_id(self, key_id: str | None) -> AuditKey | None:
        """The key (this one or an older one) whose id is given; None if none is."""
        for key in (self, *self.older):
            if key.id == key_id:
                return key
        return None


class KeyNotInFile(Exception):
    """The key is configured by a setting, so there is no key file to rotate."""


def load_audit_key(settings: Settings) -> AuditKey:
    """The configured key with its older ones, or the key file's (made on first use)."""
    if settings.audit_key is not None:
        older = tuple(
            AuditKey(s.get_secret_value().encode("utf-8")) for s in settings.audit_keys_old
        )
        return AuditKey(settings.audit_key.get_secret_value().encode("utf-8"), older)
    path = settings.resolved_audit_key_file()
    if not path.exists():
        _create(path, secrets.token_hex(32) + "\n")
    return _keyring(_secrets(path))


def rotate_key_file(settings: Settings) -> tuple[AuditKey, AuditKey]:
    """Add a new random key to the key file as the current one, keeping the others for
    verifying; returns the keys before and after."""
    if settings.audit_key is not None:
        raise KeyNotInFile
    load_audit_key(settings)  # makes the first key if there is none yet
    path = settings.resolved_audit_key_file()
    # Two rotations at once must not each drop the key the other added.
    with open(path.with_name(f".{path.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lines = [*_secrets(path), secrets.token_hex(32)]
        _write(path, "".join(line + "\n" for line in lines))
    return _keyring(lines[:-1]), _keyring(lines)


def _secrets(path: Path) -> list[str]:
    """The keys a file holds, one a line, oldest first (blank lines and # comments skipped)."""
    text = path.read_text(encoding="ascii")
    return [s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#")]


def _keyring(lines: list[str]) -> AuditKey:
    """The last key of the file as the current one, the others older, newest first."""
    keys = [AuditKey(line.encode("ascii")) for line in lines]
    return AuditKey(keys[-1].secret, tuple(reversed(keys[:-1])))


def _draft(path: Path, text: str) -> Path:
    """A new file beside `path` with the text, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    return draft


def _create(path: Path, text: str) -> None:
    """Write a key file; a key another process wrote first wins."""
    draft = _draft(path, text)
    try:
        os.link(draft, path)  # atomic, and refuses to replace a key that exists
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def _write(path: Path, text: str) -> None:
    """Replace the key file at once: a reader sees the old keys or the new, never half."""
    os.replace(_draft(path, text), path)
