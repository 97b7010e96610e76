"""One cap on every request body, by path: the declared length and the bytes that arrive.

A client can declare a length (Content-Length) or send the body in chunks without one, so the
middleware checks both: a declared length over the cap is refused before a byte is read; a
streamed body is counted as it arrives and refused as soon as it passes the cap, before any
handler has parsed it. The answer is the app's own 413 (`{"error": {...}}` under /api, the
error page elsewhere) in the reader's language. Caps come from the settings: `max_body_bytes`
for every path, `body_limits` for the paths (glob patterns, first match wins) that take larger
uploads (imports, attachments) or only small ones (the anonymous objection form).
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config.catalogue import msg
from config.settings import Settings


class BodyTooLarge(HTTPException):
    """A request body over its path's cap (an HTTPException, so the app's handler answers)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413)
        # The handlers render a Message detail in the reader's language (web.errors.http_detail).
        self.detail = msg("error.web.body_too_large", limit=limit)  # type: ignore[assignment]


class BodyLimit:
    """ASGI middleware refusing bodies over the cap of their path with 413."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.default = app, settings.max_body_bytes
        self.limits = dict(settings.body_limits)

    def limit_for(self, path: str) -> int:
        """The cap of a path: the first matching pattern's, else the default."""
        return next((v for k, v in self.limits.items() if fnmatchcase(path, k)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        if _declared_length(scope) > limit:
            await _refuse(scope, receive, send, BodyTooLarge(limit))
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)  # the route's handler answers it
            return message

        await self.app(scope, counted, send)


def _declared_length(scope: Scope) -> int:
    value = Headers(scope=scope).get("content-length", "")
    return int(value) if value.isdigit() else 0


async def _refuse(scope: Scope, receive: Receive, send: Send, exc: BodyTooLarge) -> None:
    """Answer with the app's own HTTP error handler, as a route raising the error would."""
    app = scope.get("app")
    handler = getattr(app, "exception_handlers", {}).get(HTTPException)
    if handler is None:  # not inside the honorflow app: a bare 413
        await send({"type": "http.response.start", "status": 413, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    response = await handler(Request(scope, receive), exc)
    await response(scope, receive, send)
