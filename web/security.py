"""Security headers on every answer, and whether cookies are sent over HTTPS only.

Pages may not be framed by another site (clickjacking: `frame-ancestors 'none'` and, for older
browsers, `X-Frame-Options: DENY`); answers are not sniffed into another type; links do not
carry our addresses to other sites. Session and CSRF cookies are `Secure` when the site's
address is https, or as the `cookie_secure` setting says.
"""

from __future__ import annotations

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = (
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)


class SecurityHeaders:
    """ASGI middleware adding HEADERS to every HTTP answer that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in HEADERS if n not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def cookie_secure(request: Request) -> bool:
    """Whether cookies carry `Secure`: the setting when given, else an https site address."""
    app = request.scope.get("app")
    if app is None:  # a request made by hand, outside the app
        return False
    settings = app.state.wiring.settings
    if settings.cookie_secure is not None:
        return bool(settings.cookie_secure)
    return str(settings.site_url).startswith("https://")
