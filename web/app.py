"""The web application: the HTTP API under /api and the server-rendered pages."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from config import redact, wiring
from config.wiring import SessionFactory
from web import ratelimit
from web.api import ROUTERS
from web.body_limit import BodyLimit
from web.busy import register_busy_handlers
from web.deps import LoginRequired, end_reads_after_handlers
from web.errors import register_error_handlers
from web.health import register_health
from web.input_guard import InputGuard
from web.pages import register_pages
from web.security import SecurityHeaders


def _version() -> str:
    try:
        return version("honorflow")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


async def _login_redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    if exc.location:
        return RedirectResponse(exc.location, status_code=303)
    return RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}", status_code=303)


def create_app(session_factory: SessionFactory | None = None) -> FastAPI:
    """The app over a session factory (default: the configured database and its workers)."""
    wired = wiring.wire() if session_factory is None else wiring.over(session_factory)
    redact.install(wired.settings)  # server processes log too: never a password
    app = FastAPI(title="honorflow", version=_version())
    app.state.wiring = wired  # the composition root's: database, unit of work, publisher
    app.state.clock = None  # tests set a callable returning an aware UTC datetime
    app.state.limiter = ratelimit.limiter(wired.settings)  # Redis when configured, else memory
    app.add_middleware(BodyLimit, settings=wired.settings)
    app.add_middleware(InputGuard)  # ids out of range: 404; control characters: 422
    app.add_middleware(SecurityHeaders)  # frame-ancestors, nosniff, referrer policy
    register_health(app)  # /healthz, /readyz, /metrics; the request timer outermost
    for router in ROUTERS:
        app.include_router(router, prefix="/api")
    app.add_exception_handler(LoginRequired, _login_redirect)
    register_pages(app)
    # After the pages: under /api our JSON handlers answer, elsewhere the pages' own ones.
    register_error_handlers(app)
    register_busy_handlers(app)  # a locked database is 503, never 500
    end_reads_after_handlers(app)  # no connection held while the answer waits for a thread
    return app
