"""A guard before every route: ids out of range and control characters never reach the database.

- A path segment that is a whole number beyond an id column (a 32-bit integer),
  `/api/nominations/99999…`,
  names nothing that can exist: 404, as any unknown id, on the API and the pages alike.
- A NUL or other control character in the path or the query string, or escaped in a JSON body
  (`\\u0000`) or a form body (`%00`), is refused with 422 (`invalid`) before a handler reads it;
  tab, line feed and carriage return stay allowed in bodies (long texts keep their lines).
  PostgreSQL cannot store a NUL, so without this a stray one would end in a 500.
Request models check their own fields too (`workflow/clean_text.py`), naming the field.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config.catalogue import msg
from workflow.access import MAX_ID

_NUMBER = re.compile(r"-?\d+")
_URL_CONTROL = re.compile(rb"%(?:[01][0-9A-Fa-f]|7[Ff])|[\x00-\x1f\x7f]")
_FORM_CONTROL = re.compile(rb"%(?:0[0-8BbCcEeFf]|1[0-9A-Fa-f]|7[Ff])|[\x00-\x08\x0b\x0c\x0e-\x1f]")
_JSON_CONTROL = re.compile(rb"(?<!\\)(?:\\\\)*\\u00(?:0[0-8BbCcEeFf]|1[0-9A-Fa-f]|7[Ff])")
_TAIL = 16  # bytes kept between chunks, so an escape split across two is still seen


class BadCharacters(HTTPException):
    """A request holding a control character where none may be (the app's handler answers)."""

    def __init__(self) -> None:
        super().__init__(422)
        self.detail = msg("error.invalid.bad_characters")  # type: ignore[assignment]


def out_of_range(path: str) -> bool:
    """Whether a segment of the path is a whole number no id column can hold."""
    return any(_NUMBER.fullmatch(s) and abs(int(s)) > MAX_ID for s in path.split("/") if s)


def _body_pattern(scope: Scope) -> re.Pattern[bytes] | None:
    kind = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json" or kind.endswith("+json"):
        return _JSON_CONTROL
    if kind == "application/x-www-form-urlencoded":
        return _FORM_CONTROL
    return None  # multipart: files may hold any byte; their text fields are checked by models


class InputGuard:
    """ASGI middleware: 404 for an id out of range, 422 for control characters."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode()
        if out_of_range(scope["path"]):
            await _refuse(scope, receive, send, HTTPException(404))
            return
        if _URL_CONTROL.search(raw_path) or _URL_CONTROL.search(scope.get("query_string", b"")):
            await _refuse(scope, receive, send, BadCharacters())
            return
        pattern = _body_pattern(scope)
        if pattern is None:
            await self.app(scope, receive, send)
            return
        tail = b""

        async def checked() -> Message:
            nonlocal tail
            message = await receive()
            if message["type"] == "http.request":
                seen = tail + message.get("body", b"")
                if pattern.search(seen):
                    raise BadCharacters()  # the route's handler answers it
                tail = seen[-_TAIL:]
            return message

        await self.app(scope, checked, send)


async def _refuse(scope: Scope, receive: Receive, send: Send, exc: HTTPException) -> None:
    """Answer with the app's own HTTP error handler, as a route raising the error would."""
    app = scope.get("app")
    handler = getattr(app, "exception_handlers", {}).get(HTTPException)
    if handler is None:  # not inside the honorflow app: a bare status
        await send({"type": "http.response.start", "status": exc.status_code, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    response = await handler(Request(scope, receive), exc)
    await response(scope, receive, send)
