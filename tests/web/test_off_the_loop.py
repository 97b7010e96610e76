"""Uploads are parsed and stored off the event loop: while one import is being worked on, the
server answers everything else. Each upload's service is held mid-work until another request
has been answered; were it run on the event loop, that request could not be answered and the
test would fail on its timeout. A structural check keeps every async handler that way."""

from __future__ import annotations

import ast
import inspect
import re
import socket
import textwrap
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, World
from workflow.services import campaigns, nominations

CSRF = r'name="csrf_token" value="([^"]+)"'
SAMPLE = Path(__file__).parents[1] / "data" / "nominations_sample_zh.csv"


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """The app on a real uvicorn server on loopback; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="critical"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(250):
        if server.started:
            break
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)


def held(real: Callable[..., Any], working: threading.Event, go_on: threading.Event) -> Any:
    """`real`, but it says it is working and then waits to be let go on."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        working.set()
        assert go_on.wait(30), "never let go on"
        return real(*args, **kwargs)

    return wrapper


def logged_in(app: FastAPI, who: str, form_page: str) -> tuple[TestClient, str]:
    """A client logged in to the pages, and the CSRF token of the page with the form."""
    client = TestClient(app, raise_server_exceptions=False)
    token = re.search(CSRF, client.get("/login").text)
    assert token
    data = {"username": who, "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303
    csrf = re.search(CSRF, client.get(form_page).text)
    assert csrf
    return client, csrf.group(1)


QUOTA = b"unit_code,places\nnc,3\n"
UPLOADS = [
    # who, the page with the form, the upload's path, its file, the service held
    ("clerk_nc", "/unit", "/unit/import", ("form.csv", SAMPLE.read_bytes()),
     nominations, "import_nominations"),
    ("admin", "/admin/campaigns/jx2026", "/admin/campaigns/jx2026/quota/import",
     ("quota.csv", QUOTA), campaigns, "import_quota_file"),
]  # fmt: skip


@pytest.mark.parametrize(("who", "form_page", "path", "upload", "module", "service"), UPLOADS)
def test_the_server_answers_while_an_upload_is_worked_on(
    world: World, monkeypatch: pytest.MonkeyPatch, who: str, form_page: str, path: str,
    upload: tuple[str, bytes], module: Any, service: str,
) -> None:  # fmt: skip
    working, go_on = threading.Event(), threading.Event()
    monkeypatch.setattr(module, service, held(getattr(module, service), working, go_on))
    page, csrf = logged_in(world.app, who, form_page)
    answers: list[httpx.Response] = []
    with served(world.app) as base:
        cookies = dict(page.cookies)

        def post() -> None:
            with httpx.Client(base_url=base, cookies=cookies, timeout=60) as client:
                answers.append(client.post(path, files={"file": upload}, data={"csrf_token": csrf}))

        uploading = threading.Thread(target=post)
        uploading.start()
        try:
            assert working.wait(20), "the upload never reached its service"
            with httpx.Client(base_url=base, cookies=cookies, timeout=5) as other:
                assert other.get("/healthz").status_code == 200
                assert other.get(form_page).status_code == 200  # a page that reads the database
        finally:
            go_on.set()
            uploading.join(60)
    assert answers and answers[0].status_code < 500, answers


def _async_endpoints(routes: Iterable[Any]) -> Iterator[Callable[..., Any]]:
    for route in routes:
        if isinstance(route, APIRoute) and inspect.iscoroutinefunction(route.endpoint):
            yield route.endpoint
        included = getattr(route, "original_router", None)  # a router included in the app
        if included is not None:
            yield from _async_endpoints(included.routes)


def test_async_handlers_touch_the_database_only_off_the_loop(world: World) -> None:
    """In an async handler, the unit of work only travels to `off_the_loop`."""
    endpoints = list(_async_endpoints(world.app.routes))
    assert len(endpoints) >= 10  # the uploads and form posts (a check that sees none is no check)
    wrong = []
    for endpoint in endpoints:
        tree = ast.parse(textwrap.dedent(inspect.getsource(endpoint)))
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            handed = isinstance(call.func, ast.Name) and call.func.id == "off_the_loop"
            uses = [a for a in call.args if isinstance(a, ast.Name) and a.id == "uow"]
            if uses and not handed:
                wrong.append(f"{endpoint.__module__}.{endpoint.__name__}: {ast.unparse(call)}")
    assert not wrong, wrong
