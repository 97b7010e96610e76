"""Attachments: upload to a nomination or an objection (multipart), download one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from web.deps import CurrentActor, Now, Uow, off_the_loop
from web.uploads import read_form
from workflow.queries.attachments import AttachmentView, view
from workflow.services import attachments

router = APIRouter(tags=["attachments"])
CHUNK = 64 * 1024


class AttachmentOut(BaseModel):
    id: int
    owner: str
    objection_id: int | None
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str


def attachment_out(a: AttachmentView) -> AttachmentOut:
    """An attachment as the API answers it."""
    return AttachmentOut(**vars(a))


@router.post(
    "/nominations/{nomination_id}/attachments",
    response_model=list[AttachmentOut],
    status_code=201,
)
async def upload_to_nomination(
    nomination_id: int, request: Request, uow: Uow, actor: CurrentActor, now: Now
) -> list[AttachmentOut]:
    """Add PDF, JPEG or PNG files (multipart field `file`) to a nomination's material."""
    _, files = await read_form(request)
    rows = await off_the_loop(
        attachments.attach_to_nomination, uow, actor, nomination_id, files, now
    )
    return [attachment_out(view(r)) for r in rows]


@router.post(
    "/objections/{objection_id}/attachments",
    response_model=list[AttachmentOut],
    status_code=201,
)
async def upload_to_objection(
    objection_id: int, request: Request, uow: Uow, actor: CurrentActor, now: Now
) -> list[AttachmentOut]:
    """The working team adds to the objection as received; the unit to its answer."""
    _, files = await read_form(request)
    rows = await off_the_loop(attachments.attach_to_objection, uow, actor, objection_id, files, now)
    return [attachment_out(view(r)) for r in rows]


@router.get("/attachments/{attachment_id}", response_class=StreamingResponse)
def download(
    attachment_id: int, request: Request, uow: Uow, actor: CurrentActor, now: Now
) -> StreamingResponse:
    """The file, under its original name; 404 for what you may not read."""
    store = request.app.state.wiring.attachment_store()
    row, content = attachments.open_attachment(uow, store, actor, attachment_id, now)
    headers = {
        "Content-Disposition": content_disposition(row.filename),
        "X-Content-Type-Options": "nosniff",
        "Content-Length": str(row.size),
    }
    return StreamingResponse(_chunks(content), media_type=row.content_type, headers=headers)


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the original one RFC 5987-encoded."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                       for c in filename)  # fmt: skip
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _chunks(content: BinaryIO) -> Iterator[bytes]:
    with content:
        while chunk := content.read(CHUNK):
            yield chunk
