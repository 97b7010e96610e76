"""A database too busy to answer in time is 503 with a clear message, never 500.

SQLite writers wait for the write lock (busy timeout) and ask again a bounded number of times
(`begin_writing`, beside the engine); when every attempt timed out the request is refused
with 503, `Retry-After: 1` and the usual error shape (`busy`), having changed nothing. So is
a driver's "database is locked" met anywhere else, and a connection pool that stayed
exhausted (a PostgreSQL deployment with more requests in flight than connections).
"""

from __future__ import annotations

import logging

import redis
from fastapi import FastAPI, Request
from fastapi.responses import Response

from config.catalogue import msg
from config.wiring import BUSY_ERRORS, is_busy
from web.errors import _answer, error_body, request_locale

log = logging.getLogger("honorflow.web")
RETRY_AFTER = {"Retry-After": "1"}


def busy_answer(request: Request) -> Response:
    """503 `busy`: nothing was changed; try again in a moment."""
    text = msg("error.database_busy").render(request_locale(request))
    return _answer(request, 503, error_body("busy", text), RETRY_AFTER)


async def _busy(request: Request, exc: Exception) -> Response:
    if not is_busy(exc):
        raise exc  # any other driver failure stays a server error, logged as one
    log.warning("database busy on %s %s: %s", request.method, request.url.path, exc)
    return busy_answer(request)


async def _limits_unreachable(request: Request, exc: Exception) -> Response:
    """The rate limits' Redis cannot be reached: refuse (nothing was checked or changed)
    rather than let logins and objections through uncounted, and say so as 503, not 500."""
    log.warning(
        "rate-limit storage unreachable on %s %s: %s", request.method, request.url.path, exc
    )
    text = msg("error.rate_limits_unreachable").render(request_locale(request))
    return _answer(request, 503, error_body("busy", text), RETRY_AFTER)


def register_busy_handlers(app: FastAPI) -> None:
    """Answer 503 for a database that stayed locked or a pool that stayed exhausted, and for
    rate limits whose storage cannot be reached."""
    for kind in BUSY_ERRORS:
        app.add_exception_handler(kind, _busy)
    app.add_exception_handler(redis.exceptions.ConnectionError, _limits_unreachable)
    app.add_exception_handler(redis.exceptions.TimeoutError, _limits_unreachable)
