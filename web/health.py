"""`/healthz`, `/readyz` and `/metrics`: what load balancers and Prometheus ask (README "Health").

None of them needs a login or counts against a rate limit. `/metrics` is for the metrics
token's bearer, or — with no token configured — the loopback only.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from config.catalogue import locale_for_request, msg
from config.health import readiness
from web.client_address import client_address
from web.deps import clock
from web.errors import error_body
from web.metrics import CONTENT_TYPE, RequestTimer, exposition
from workflow.access.operations import may_read_metrics
from workflow.queries.operations import StateChangeTally

router = APIRouter(tags=["health"])
READY_TIMEOUT_S = 5.0
FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the process answers (nothing else is checked)."""
    return {"status": "ok"}


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    """Readiness: the database with the current schema, and the broker when one is set."""
    wiring = request.app.state.wiring
    # The checks block on sockets: off the event loop, so other requests keep going; a
    # database that never answers (a dropped route, not a refusal) is unready, not a hang.
    try:
        found = await asyncio.wait_for(
            asyncio.to_thread(readiness, wiring.engine, wiring.settings), READY_TIMEOUT_S
        )
    except TimeoutError:
        return JSONResponse({"status": "unready", "checks": {"all": "timeout"}}, 503)
    locale = _locale(request)
    body = {
        "status": "ready" if found.ready else "unready",
        "checks": {name: check.code for name, check in found.checks.items()},
    }
    failed = {n: c.message.render(locale) for n, c in found.checks.items() if c.message}
    if failed:
        body["failed"] = failed
    return JSONResponse(body, status_code=200 if found.ready else 503)


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus's text format, for the metrics token's bearer or the loopback."""
    wiring = request.app.state.wiring
    token = wiring.settings.metrics_token
    expected = token.get_secret_value() if token is not None else None
    forwarded = any(request.headers.get(h) for h in FORWARDING_HEADERS)
    if not may_read_metrics(client_address(request), forwarded, _bearer(request), expected):
        words = msg("error.web.metrics_refused").render(_locale(request))
        status = 401 if expected else 403
        headers = {"WWW-Authenticate": "Bearer"} if expected else None
        return JSONResponse(error_body("metrics_refused", words), status, headers=headers)
    tally = request.app.state.state_changes  # counted incrementally, once per process
    body = await asyncio.to_thread(exposition, wiring, clock(request), tally)
    return Response(body, media_type=CONTENT_TYPE)


def _locale(request: Request) -> str:
    """Like the API: ?lang=, then Accept-Language (zh-CN by default)."""
    return locale_for_request(
        request.query_params.get("lang"), request.headers.get("accept-language")
    )


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def register_health(app: FastAPI) -> None:
    """The three routes, and the request timer around the whole app."""
    app.include_router(router)
    app.state.state_changes = StateChangeTally()
    app.add_middleware(RequestTimer)
