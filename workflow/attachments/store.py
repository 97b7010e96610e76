"""Where attachment content is kept: a small interface, and the folder store behind it.

Content is addressed by its SHA-256, so the same file added twice is stored once and a
stored file cannot change under its row. `FileStore` writes under the data folder
(`data/attachments/<first two hex digits>/<sha256>`, `HONORFLOW_ATTACHMENTS_DIR`);
another store (an object store) needs only `put` and `open`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from config.catalogue import msg
from workflow.errors import NotFound


class AttachmentStore(Protocol):
    """Keeps content under its SHA-256 and hands it back."""

    def put(self, sha256: str, content: bytes) -> None:
        """Keep the content under its SHA-256 (already kept: nothing to do)."""
        ...

    def open(self, sha256: str) -> BinaryIO:
        """The kept content, for reading; NotFound if it is not there."""
        ...


class FileStore:
    """Content in files under a folder, one per SHA-256, written whole or not at all."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        """Where the content with this SHA-256 lives."""
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise NotFound(msg("error.attachment_content_missing"))
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, content: bytes) -> None:
        """Write to a temporary file and rename it: a reader never sees half a file."""
        target = self.path(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, sha256: str) -> BinaryIO:
        """The file, opened for reading."""
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError:
            raise NotFound(msg("error.attachment_content_missing")) from None
