"""Reading a multipart upload no further than the attachment limit allows.

The body is read through a counting `receive`: past the limit (per file, times the files a
form may carry, plus room for the other fields) reading stops and the answer is 413 —
never a whole unbounded body first. Each file is then read up to its own limit + 1 byte.
Content-Length, when sent, refuses an oversized body before a byte of it is read.
"""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.types import Message, Receive

from web.input_guard import BadCharacters
from workflow.attachments.content import Upload, read_limited, too_large
from workflow.clean_text import bad_character
from workflow.services.attachments import Files

MAX_FILES = 5
FIELDS_ROOM = 256 * 1024  # the form's other fields and the multipart boundaries


def attachment_limit(request: Request) -> int:
    """The configured largest attachment, in bytes (`HONORFLOW_ATTACHMENT_MAX_BYTES`)."""
    return int(request.app.state.wiring.settings.attachment_max_bytes)


def _bounded(receive: Receive, cap: int, limit: int) -> Receive:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > cap:
            raise too_large(limit)
        return message

    return counted


async def read_form(request: Request) -> tuple[FormData, Files]:
    """The form's fields and its files (field `file`, up to five), each within the limit."""
    limit = attachment_limit(request)
    cap = limit * MAX_FILES + FIELDS_ROOM
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise too_large(limit)
    bounded = Request(request.scope, _bounded(request.receive, cap, limit))
    form = await bounded.form(max_files=MAX_FILES, max_fields=50)
    if any(isinstance(v, str) and bad_character(v, long=True) for _, v in form.multi_items()):
        raise BadCharacters()  # a multipart body's text, as InputGuard checks other bodies
    uploads = []
    for value in form.getlist("file"):
        if isinstance(value, UploadFile) and value.filename:
            content = read_limited(value.file.read, limit)
            uploads.append(Upload(value.filename, content))
    store = request.app.state.wiring.attachment_store()
    return form, Files(store, tuple(uploads), limit)


def field(form: FormData, name: str) -> str:
    """A text field of the form ('' when absent or a file)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""
