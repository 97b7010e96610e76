"""What an uploaded file is, told from its content; and reading an upload up to a limit."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from config.catalogue import msg
from workflow.errors import AttachmentTooLarge, AttachmentType

# The accepted types by their magic bytes: never by the file's name or its declared type.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Upload:
    """A file as received: its original name and its bytes (already within the limit)."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class Checked:
    """A file accepted: its type from its content, its size and its SHA-256."""

    filename: str
    content: bytes
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def sniff(head: bytes) -> str | None:
    """The content type the first bytes show (PDF, JPEG, PNG), or None for anything else."""
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def read_limited(read: Callable[[int], bytes], limit: int) -> bytes:
    """Read a stream chunk by chunk, stopping at `limit + 1` bytes: AttachmentTooLarge then."""
    parts: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = read(min(CHUNK, limit + 1 - size))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        size += len(chunk)
    raise too_large(limit)


def check(upload: Upload, limit: int) -> Checked:
    """Accept a PDF, JPEG or PNG within the limit, by its content; refuse anything else."""
    if len(upload.content) > limit:
        raise too_large(limit)
    if not upload.content:
        raise AttachmentType(msg("error.attachment_empty", name=upload.filename))
    content_type = sniff(upload.content[:16])
    if content_type is None:
        raise AttachmentType(msg("error.attachment_type", name=upload.filename))
    digest = hashlib.sha256(upload.content).hexdigest()
    return Checked(clean_name(upload.filename), upload.content, content_type, digest)


def clean_name(name: str) -> str:
    """The file's own name without any folder a browser sent, at most 255 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    cleaned = "".join(c for c in base if c.isprintable())
    return (cleaned or "file")[-255:]


def too_large(limit: int) -> AttachmentTooLarge:
    """The refusal of a file over the limit, the limit as people say it (10 MiB)."""
    shown = f"{limit / (1024 * 1024):g} MiB" if limit >= 1024 * 1024 else f"{limit} B"
    return AttachmentTooLarge(msg("error.attachment_too_large", limit=shown))
