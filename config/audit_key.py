"""The audit chain's key: kept outside the database, so whoever can write the database cannot
recompute the chain.

The key is `HONORFLOW_AUDIT_KEY` when set (at least 32 characters), else the file
`audit.key` in the data folder (`HONORFLOW_AUDIT_KEY_FILE` to place it elsewhere), created on
first use with a random 256-bit key, readable by its owner only (0600). The key is never logged
or shown; events record only its id (a digest of the key that does not reveal it), so keys can
be told apart when one is rotated.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from config.settings import Settings


@dataclass(frozen=True)
class AuditKey:
    """A secret to seal audit events with, and its id."""

    secret: bytes = field(repr=False)

    @property
    def id(self) -> str:
        """A short id of the key, recorded with each event it seals."""
        return hmac.new(self.secret, b"honorflow audit key id", hashlib.sha256).hexdigest()[:16]

    def seal(self, text: str) -> str:
        """The HMAC-SHA256 of a text under this key, in hex."""
        return hmac.new(self.secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


def load_audit_key(settings: Settings) -> AuditKey:
    """The configured key, or the key file's (made on first use)."""
    if settings.audit_key is not None:
        return AuditKey(settings.audit_key.get_secret_value().encode("utf-8"))
    path = settings.resolved_audit_key_file()
    if not path.exists():
        _create(path)
    return AuditKey(path.read_text(encoding="ascii").strip().encode("ascii"))


def _create(path: Path) -> None:
    """Write a random key readable by the owner only; a key another process wrote first wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(32) + "\n")
    try:
        os.link(draft, path)  # atomic, and refuses to replace a key that exists
    except FileExistsError:
        pass
    finally:
        draft.unlink()
