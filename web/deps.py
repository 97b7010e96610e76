"""What routes share: a unit of work per request, the clock, the logged-in user, CSRF checks."""

from __future__ import annotations

import functools
import inspect
import secrets
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar, cast

from fastapi import Depends, FastAPI, Form, Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from config.catalogue import Message, msg
from models import User
from models.uow import UnitOfWork
from web.errors import ApiError
from web.security import cookie_secure
from workflow.actors import Actor
from workflow.services import users

SESSION_COOKIE = "honorflow_session"
CSRF_COOKIE = "honorflow_csrf"
# Cookie-authenticated API calls that change something carry the session's CSRF token here.
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
T = TypeVar("T")


def get_uow(request: Request) -> Iterator[UnitOfWork]:
    """One unit of work per request, shared by its dependencies (authentication, CSRF) and its
    handler; the messages it commits are handed to the workers. GET and HEAD read: on SQLite
    they take no write lock (an audit row of a read is written in `uow.writing()`)."""
    write = request.method not in SAFE_METHODS
    with request.app.state.wiring.new_uow(write=write, request=True) as uow:
        yield uow


def clock(request: Request) -> datetime:
    """Now in UTC; tests set `app.state.clock` to a callable to simulate time."""
    override = getattr(request.app.state, "clock", None)
    return override() if override is not None else datetime.now(UTC)


async def request_clock(request: Request) -> datetime:
    """`clock` as a dependency. Async because it does no I/O: FastAPI runs a plain `def`
    dependency in a worker thread, a hop each way per request for nothing."""
    return clock(request)


Uow = Annotated[UnitOfWork, Depends(get_uow)]
Now = Annotated[datetime, Depends(request_clock)]


def _same(sent: str, expected: str) -> bool:
    # Constant-time, and on bytes: compare_digest refuses non-ASCII text.
    return secrets.compare_digest(sent.encode("utf-8"), expected.encode("utf-8"))


def _unauthenticated(message: Message) -> ApiError:
    return ApiError(401, "not_authenticated", message, headers={"WWW-Authenticate": "Bearer"})


def _bearer(request: Request) -> str | None:
    header = request.headers.get("Authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthenticated(msg("error.web.bearer_malformed"))
    return token.strip()


def api_user(request: Request, uow: Uow, now: Now) -> User:
    """The user behind a bearer token, or behind the page session cookie; else 401.

    Read without the write lock, in a transaction that ends here: the request's own
    transaction begins in its handler, so no lock is held between the two (each runs in a
    worker thread of its own, and a lock held while waiting for a thread can stall them all)."""
    with uow.reading():
        return _api_user(request, uow, now)


def _api_user(request: Request, uow: UnitOfWork, now: datetime) -> User:
    token = _bearer(request)
    if token is not None:
        user = users.user_for_token(uow, token, now)
        if user is None:
            raise _unauthenticated(msg("error.web.token_unknown"))
        return _password_settled(request, user)
    session_id = request.cookies.get(SESSION_COOKIE)
    found = users.session_user(uow, session_id, now) if session_id else None
    if found is None:
        raise _unauthenticated(msg("error.web.login_needed"))
    user, csrf = found
    # A cookie is sent by the browser on its own, so changes need the token only a page knows.
    sent = request.headers.get(CSRF_HEADER, "")
    if request.method not in SAFE_METHODS and not _same(sent, csrf):
        raise ApiError(403, "csrf", msg("error.web.csrf_header", header=CSRF_HEADER))
    return _password_settled(request, user)


# What a person holding a one-time password may reach: who they are, and the change itself.
PASSWORD_CHANGE_PATHS = frozenset({"/api/me", "/api/me/password"})


def _password_settled(request: Request, user: User) -> User:
    if user.must_change_password and request.url.path not in PASSWORD_CHANGE_PATHS:
        raise ApiError(403, "password_change_required", msg("error.password_change_required"))
    return user


async def api_actor(user: Annotated[User, Depends(api_user)]) -> Actor:
    """The actor the API user acts as (on the event loop, as `request_clock`: no I/O, the
    user's columns are loaded and stay so after the commit)."""
    return users.actor_of(user)


CurrentUser = Annotated[User, Depends(api_user)]
CurrentActor = Annotated[Actor, Depends(api_actor)]


# A read that is asked very often (the review queue) takes two worker-thread hops, not five:
# `get_uow` (opening, closing), `api_user`, the handler and the answer's validation each hop
# for a plain `def`. Opening a unit of work does no I/O, nor does closing one whose reads have
# ended, so both stay on the event loop; the token's lookup and the handler's read each run in
# one worker thread, and the handler answers a model FastAPI checks on the loop.


async def get_read_uow(request: Request) -> AsyncIterator[UnitOfWork]:
    """A GET's unit of work (a reader, as `get_uow` gives a GET), opened on the event loop and
    closed there when its reads have ended; a transaction left open (a handler that raised) is
    rolled back in a worker thread, so the loop never waits for the database."""
    if request.method not in SAFE_METHODS:
        raise RuntimeError(f"{request.method} {request.url.path}: a read's unit of work")
    uow = request.app.state.wiring.new_uow(write=False, request=True)
    uow.__enter__()
    try:
        yield uow
    finally:
        if uow.session.in_transaction():
            await run_in_threadpool(uow.__exit__, None, None, None)
        else:
            uow.__exit__(None, None, None)


ReadUow = Annotated[UnitOfWork, Depends(get_read_uow)]


async def read_api_user(request: Request, uow: ReadUow, now: Now) -> User:
    """`api_user` in a read's unit of work: the lookup in a worker thread, the rest on the loop."""
    user: User = await run_in_threadpool(api_user, request, uow, now)
    return user


async def read_api_actor(user: Annotated[User, Depends(read_api_user)]) -> Actor:
    """`api_actor` for a read (no I/O: on the loop)."""
    return users.actor_of(user)


ReadActor = Annotated[Actor, Depends(read_api_actor)]


def page_session(request: Request, uow: UnitOfWork | None = None) -> tuple[User, str] | None:
    """The user and CSRF token of the page session, read without the write lock in the
    request's unit of work (or, called outside a request's dependencies, a reader of its own)."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    if uow is None:
        with request.app.state.wiring.new_uow(write=False) as own:
            return users.session_user(own, session_id, clock(request))
    with uow.reading():
        return users.session_user(uow, session_id, clock(request))


def page_user(request: Request, uow: Uow) -> User | None:
    """The user logged in through the session cookie, or None (attributes loaded)."""
    found = page_session(request, uow)
    return found[0] if found else None


class LoginRequired(Exception):
    """A page needs a logged-in user; the app answers with a redirect to the login page."""

    def __init__(self, next_path: str, location: str | None = None) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        # Where to go instead of the login page (a one-time password leads to /account).
        self.location = location


def require_page_user(request: Request, uow: Uow) -> User:
    """The logged-in user of a page, or a redirect to /login?next=<this page>."""
    user = page_user(request, uow)
    if user is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return user


def ensure_csrf_cookie(request: Request, response: Response) -> str:
    """The double-submit token for anonymous forms: the cookie's, or a new one set on response."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token:
        token = secrets.token_urlsafe(32)
        secure = cookie_secure(request)
        response.set_cookie(
            CSRF_COOKIE, token, httponly=True, samesite="lax", path="/", secure=secure
        )
    return token


def csrf_check(
    request: Request,
    csrf_token: Annotated[str, Form()],
    uow: Uow = None,  # type: ignore[assignment]
) -> None:
    """A form post must carry the session's CSRF token (or, anonymous, the cookie's); else 403.
    As a dependency it reads in the request's unit of work; called directly, in one of its own."""
    found = page_session(request, uow)
    expected = found[1] if found else request.cookies.get(CSRF_COOKIE)
    if not expected or not _same(csrf_token, expected):
        raise ApiError(403, "csrf", msg("error.web.csrf_form"))


def end_reads_after_handlers(app: FastAPI) -> None:
    """After each handler returns, in its own worker thread, end its unit of work's transaction
    if it only read: FastAPI then validates the answer in another worker thread, and a
    connection (or SQLite's lock) held while waiting for one can stall every thread."""
    for route in _api_routes(app.routes):
        call = route.endpoint
        if not inspect.iscoroutinefunction(call) and not hasattr(call, "_ends_reads"):
            route.endpoint = _ending_reads(call)


def _api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # a router included in the app
        if included is not None:
            yield from _api_routes(included.routes)


async def off_the_loop(work: Callable[..., T], /, *args: Any) -> T:
    """Run an async handler's synchronous part (parsing, database work, rendering) in a worker
    thread, ending its unit of work's read as the sync handlers' is: the handler awaits its
    bounded read on the event loop, then hands over, so one upload never stalls the others."""
    return cast(T, await run_in_threadpool(_ending_reads(work), *args))


def _ending_reads(call: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(call)
    def run(*args: Any, **values: Any) -> Any:
        answer = call(*args, **values)
        for value in (*args, *values.values()):
            if isinstance(value, UnitOfWork):
                value.end_read()
        return answer

    run._ends_reads = True  # type: ignore[attr-defined]
    return run
