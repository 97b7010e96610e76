"""One JSON shape for every API error, mapped from the domain's exception hierarchy.

Every API error answers `{"error": {"code", "message", "field", "allowed"}}`. The handlers
answer JSON for paths under /api only. For any other path they hand the exception to the
handler the pages registered for the same class before (`register_pages` runs first), else to
`app.state.page_error_handler(request, status, message)` when set, else a plain-text answer.

A domain error's `message` is rendered from the catalogue in the caller's language: under /api
`?lang=`, then `Accept-Language`, else Chinese; on pages `?lang=`, then the page's language
cookie, else Chinese. `code` (and `allowed`, trigger codes) never change with the language.
So are the web layer's own errors (`ApiError` carries a `Message`), HTTP errors without a
precise message (`error.http.<status>`) and request validation: each pydantic problem type is
a catalogue entry (`error.invalid.<type>`, with its figures: `max_length`, `ge`, …) and the
field is named by its label (`field.<name>`) where one exists; `field` keeps the path.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from config import catalogue
from config.catalogue import Label, Message, msg
from workflow import errors as e
from workflow.problems import Problem

log = logging.getLogger("honorflow.web")

API_PREFIX = "/api"

# Most specific first: the first class an exception is an instance of decides.
STATUS: tuple[tuple[type[e.HonorflowError], int, str], ...] = (
    (e.NotFound, 404, "not_found"),
    (e.TransitionNotAllowed, 409, "transition_not_allowed"),
    (e.ConcurrentChange, 409, "concurrent_change"),
    (e.Recused, 403, "recused"),
    (e.PermissionDenied, 403, "permission_denied"),
    (e.GuardFailed, 422, "guard_failed"),
    (e.QuotaExceeded, 409, "quota_exceeded"),
    (e.InvalidDecision, 422, "invalid_decision"),
    (e.InvalidState, 409, "invalid_state"),
    (e.ImportTooLarge, 413, "too_large"),
    (e.ImportFailed, 422, "import_failed"),
    (e.DefinitionError, 422, "definition_error"),
    (e.AuthenticationFailed, 401, "authentication_failed"),
    (e.TooManyAttempts, 429, "too_many_requests"),
    (e.ProofRefused, 422, "proof_refused"),
    (e.CalendarRangeError, 422, "calendar_range"),
    (e.AttachmentTooLarge, 413, "too_large"),
    (e.AttachmentType, 415, "unsupported_media_type"),
)
HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
}


class ApiError(Exception):
    """An error raised by the web layer itself (401, 404 for what is not visible, 429)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: Message | str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.field, self.headers = field, headers

    def text(self, locale: str = catalogue.DEFAULT) -> str:
        """The message in a locale."""
        return catalogue.render(self.message, locale)


def error_body(
    code: str, message: str, field: str | None = None, allowed: list[str] | None = None
) -> dict[str, Any]:
    """The JSON body every API error has."""
    return {"error": {"code": code, "message": message, "field": field, "allowed": allowed}}


def status_of(exc: e.HonorflowError) -> tuple[int, str]:
    """The HTTP status and error code of a domain error."""
    for kind, status, code in STATUS:
        if isinstance(exc, kind):
            return status, code
    return 422, "invalid"


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def request_locale(request: Request) -> str:
    """The language of an answer: ?lang=, then Accept-Language (API) or the page cookie."""
    query = request.query_params.get("lang")
    if _is_api(request):
        return catalogue.locale_for_request(query, request.headers.get("accept-language"))
    return catalogue.locale_for_request(query, None, request.cookies.get("lang"))


def _answer(
    request: Request,
    status: int,
    body: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> Response:
    if _is_api(request):
        return JSONResponse(body, status_code=status, headers=headers)
    page: Callable[[Request, int, str], Response] | None = getattr(
        request.app.state, "page_error_handler", None
    )
    message = str(body["error"]["message"])
    if page is not None:
        return page(request, status, message)
    return PlainTextResponse(message, status_code=status, headers=headers)


async def _domain(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.HonorflowError)
    status, code = status_of(exc)
    allowed = exc.allowed if isinstance(exc, e.TransitionNotAllowed | e.PhaseMoveRefused) else None
    # A value of the request the service refused: named where the request carried it.
    field = f"body.{exc.field}" if isinstance(exc, e.InvalidInput) else None
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    message = exc.text(request_locale(request))
    return _answer(request, status, error_body(code, message, field, allowed), headers)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    message = exc.text(request_locale(request))
    return _answer(request, exc.status, error_body(exc.code, message, exc.field), exc.headers)


# A problem's figures the catalogue entries use, taken from pydantic's `ctx`.
_FIGURES = ("min_length", "max_length", "ge", "gt", "le", "lt", "expected", "allowed")


def problem_message(problem: Mapping[str, Any], skip: int = 0) -> Message:
    """One pydantic problem as a Message: the field's label (or path) and what is wrong.

    `skip` leaves out leading parts of the location (a form's `body`) from the path shown.
    """
    loc = [str(part) for part in problem.get("loc", ())]
    kind = str(problem.get("type", ""))
    code = f"error.invalid.{kind}"
    ctx = dict(problem.get("ctx") or {})
    figures = {k: v for k, v in ctx.items() if k in _FIGURES}
    what = msg(code if catalogue.has(code) else "error.invalid.other", **figures)
    if isinstance(ctx.get("error"), Problem):  # a check's own words (workflow.nominee_checks)
        what = ctx["error"].message
    names = [part for part in loc if not part.isdigit()]
    last = names[-1] if names else ""
    field: Any = ".".join(loc[skip:])
    for area in ("field", "input"):  # a nomination field's label, else a request field's
        if last and catalogue.has(f"{area}.{last}"):
            field = Label(area, last)
            break
    return msg("error.invalid.field", field=field, problem=what) if field else what


def validation_text(problems: list[Any], locale: str, skip: int = 0) -> str:
    """Every problem of a request, or the first and how many more, in a locale."""
    if not problems:
        return catalogue.text("error.invalid.request", locale)
    first = catalogue.render(problem_message(problems[0], skip), locale)
    if len(problems) > 1:
        first += catalogue.text("error.more_problems", locale, n=len(problems) - 1)
    return first


async def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = list(exc.errors())
    loc = problems[0].get("loc", ()) if problems else ()
    field = ".".join(str(part) for part in loc) or None
    message = validation_text(problems, request_locale(request))
    return _answer(request, 422, error_body("invalid", message, field))


def http_detail(status: int, detail: Any, locale: str) -> str:
    """An HTTP error's words: its own Message, or the catalogue's for the status when the
    detail is only the standard English phrase ("Not Found")."""
    if isinstance(detail, Message):
        return detail.render(locale)
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    if detail is None or str(detail) == phrase:
        code = f"error.http.{status}"
        return catalogue.text(code if catalogue.has(code) else "error.unexpected", locale)
    return str(detail)


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    headers = dict(exc.headers) if exc.headers else None
    message = http_detail(exc.status_code, exc.detail, request_locale(request))
    return _answer(request, exc.status_code, error_body(code, message), headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    body = error_body("internal", catalogue.text("error.unexpected", request_locale(request)))
    return _answer(request, 500, body)


Handler = Callable[[Request, Exception], Awaitable[Response]]


def _api_first(own: Handler, pages: Any) -> Handler:
    """Our JSON handler under /api; the pages' own handler for the class everywhere else."""

    async def handle(request: Request, exc: Exception) -> Response:
        if pages is None or _is_api(request):
            return await own(request, exc)
        answer = pages(request, exc)
        return await answer if isinstance(answer, Awaitable) else answer  # type: ignore[no-any-return]

    return handle


def register_error_handlers(app: FastAPI) -> None:
    """Turn every error into the API's JSON shape (under /api) or the pages' error page."""
    own: dict[Any, Handler] = {
        e.HonorflowError: _domain,
        ApiError: _api_error,
        RequestValidationError: _validation,
        StarletteHTTPException: _http,
        Exception: _unexpected,
    }
    for kind, handler in own.items():
        app.add_exception_handler(kind, _api_first(handler, app.exception_handlers.get(kind)))
