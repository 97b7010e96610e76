"""A live server over a fresh seeded SQLite database per test, and Debian's Chromium."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.db import make_engine, make_session_factory
from tests.conftest import sqlite_engine
from tests.e2e.seed import NOW, PASSWORD, Seeded, seed
from web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class LiveServer:
    url: str
    seeded: Seeded
    app: Any


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seeded]:
    """The seeded database, built once; each test works on a copy of its own."""
    folder = tmp_path_factory.mktemp("template")
    engine = sqlite_engine(folder)
    seeded = seed(make_session_factory(engine))
    engine.dispose()  # the last connection closing folds the WAL into the file
    return folder / "test.sqlite3", seeded


@dataclass
class SeededDb:
    engine: Engine
    sf: sessionmaker[Session]
    seeded: Seeded


@pytest.fixture
def seeded_db(tmp_path: Path, seeded_template: tuple[Path, Seeded]) -> Iterator[SeededDb]:
    """A fresh copy of the seeded database in this test's folder."""
    template, seeded = seeded_template
    target = tmp_path / "test.sqlite3"
    shutil.copyfile(template, target)
    engine = make_engine(f"sqlite:///{target}")
    yield SeededDb(engine, make_session_factory(engine), seeded)
    engine.dispose()


@pytest.fixture
def live_server(seeded_db: SeededDb) -> Iterator[LiveServer]:
    """uvicorn in a thread on a free loopback port, over a database seeded for this test."""
    seeded = seeded_db.seeded
    app = create_app(seeded_db.sf)
    app.state.clock = lambda: NOW
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    yield LiveServer(f"http://127.0.0.1:{port}", seeded, app)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session (Debian's; never downloaded)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package to run these")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page, desktop size."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    # A bound on waiting, not a speed check: on two shared cores, with the other test worker
    # busy, a login (its password hash) once took longer than 5 s.
    context.set_default_timeout(15000)
    tab = context.new_page()
    yield tab
    context.close()


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot of what the test sees."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page: Any, server: LiveServer, username: str, next_path: str = "") -> None:
    """Log in through the form, as a person would."""
    page.goto(f"{server.url}/login" + (f"?next={next_path}" if next_path else ""))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
