"""Attachments' content: the type from the first bytes, reading that stops at the limit, the
folder store, and the download's file name header."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.attachment_files import FAKE_PDF, JPEG, PDF, png
from web.api.attachments import content_disposition
from workflow.attachments.content import Upload, check, clean_name, read_limited, sniff
from workflow.attachments.store import FileStore
from workflow.errors import AttachmentTooLarge, AttachmentType, NotFound


@pytest.mark.parametrize(
    ("content", "expected"),
    [(PDF, "application/pdf"), (png(), "image/png"), (JPEG, "image/jpeg"), (FAKE_PDF, None),
     (b"GIF89a", None), (b"", None)],
)  # fmt: skip
def test_the_type_is_told_by_the_content(content: bytes, expected: str | None) -> None:
    assert sniff(content[:16]) == expected


def test_a_name_or_declared_type_does_not_make_a_file_a_pdf() -> None:
    with pytest.raises(AttachmentType) as refused:
        check(Upload("报告.pdf", FAKE_PDF), 1024)
    assert "报告.pdf" in str(refused.value) and "by its content" in refused.value.text("en")
    accepted = check(Upload("scan.bin", PDF), 1024)
    assert (accepted.content_type, accepted.size) == ("application/pdf", len(PDF))
    assert len(accepted.sha256) == 64


class CountingStream(io.BytesIO):
    """A stream that remembers how much was read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.taken = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk


def test_reading_stops_one_byte_past_the_limit() -> None:
    stream = CountingStream(b"x" * 10_000_000)
    with pytest.raises(AttachmentTooLarge) as refused:
        read_limited(stream.read, 1000)
    assert stream.taken == 1001
    assert "1000 B" in str(refused.value)
    assert read_limited(CountingStream(b"y" * 1000).read, 1000) == b"y" * 1000
    with pytest.raises(AttachmentTooLarge, match="10 MiB"):
        check(Upload("a.pdf", PDF + b"0" * (10 * 1024 * 1024)), 10 * 1024 * 1024)


def test_the_file_store_keeps_content_under_its_hash(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    checked = check(Upload("a.png", png()), 1024)
    store.put(checked.sha256, checked.content)
    store.put(checked.sha256, checked.content)  # the same file again: stored once
    path = tmp_path / checked.sha256[:2] / checked.sha256
    assert path.read_bytes() == checked.content
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [checked.sha256]
    with store.open(checked.sha256) as handle:
        assert handle.read() == checked.content
    with pytest.raises(NotFound):
        store.open("0" * 64)
    with pytest.raises(NotFound):
        store.open("../../etc/passwd")


def test_names_are_cleaned_and_sent_rfc_5987_encoded() -> None:
    assert clean_name("C:\\Users\\王\\核查报告.pdf") == "核查报告.pdf"
    assert clean_name("../../x\n.pdf") == "x.pdf"
    header = content_disposition('核查 "报告".pdf')
    assert header == (
        'attachment; filename="__ ____.pdf"; '
        "filename*=UTF-8''%E6%A0%B8%E6%9F%A5%20%22%E6%8A%A5%E5%91%8A%22.pdf"
    )
