"""Every request body has a cap by path: declared or streamed, over it is a 413 before parsing."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from tests.web.conftest import error, make_app
from tests.web.hardening import Small, small_world
from web.body_limit import BodyLimit

MIB = 1024 * 1024
OBJECTION = "/api/notice/jx/objections"


@pytest.fixture
def small(sqlite_sf: sessionmaker[Session]) -> Iterator[Small]:
    yield from small_world(sqlite_sf)


def test_a_declared_length_over_the_cap_is_413_in_the_error_shape(small: Small) -> None:
    h = {**small.h("admin"), "Content-Type": "text/plain"}
    answer = small.client.post("/api/definitions/validate", content=b"x" * (MIB + 1), headers=h)
    assert answer.status_code == 413
    body = error(answer)
    assert body["code"] == "too_large" and body["message"] == "请求内容不能超过1048576字节"
    english = small.client.post(
        "/api/auth/token", content=b"{" * (MIB + 1), headers={"Accept-Language": "en"}
    )
    assert error(english)["message"] == "a request body may have at most 1048576 bytes"


def test_the_anonymous_objection_does_not_parse_30_mb(small: Small) -> None:
    huge = json.dumps({"nomination_id": 1, "content": "异" * (10 * MIB)}).encode()
    assert len(huge) > 30 * MIB
    answer = small.client.post(
        OBJECTION, content=huge, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413 and error(answer)["code"] == "too_large"
    assert "65536" in error(answer)["message"]


def test_a_streamed_body_is_counted_and_cut_off(small: Small) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the body arrives in pieces
        for _ in range(30 * 16):
            yield b"x" * (64 * 1024)

    answer = small.client.post(
        OBJECTION, content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413 and error(answer)["code"] == "too_large"
    # (the test client reads the whole generator; the uvicorn test below shows the cut-off)


def test_pages_answer_413_with_the_error_page(small: Small) -> None:
    answer = small.client.post("/login", content=b"a=" + b"x" * MIB)
    assert answer.status_code == 413 and "text/html" in answer.headers["content-type"]
    assert "请求内容不能超过1048576字节" in answer.text


def test_the_import_path_takes_larger_uploads(small: Small) -> None:
    data = b"name\n" + b"x" * (2 * MIB)
    answer = small.client.post(
        "/api/nominations/import",
        files={"file": ("big.csv", data, "text/csv")},
        headers=small.h("admin"),
    )
    assert answer.status_code != 413  # past the cap of other paths, refused for other reasons


def test_caps_are_settings_with_path_patterns() -> None:
    limiter = BodyLimit(
        make_app, Settings(max_body_bytes=2048, body_limits={"/api/x/*/upload": 4096})
    )
    assert limiter.limit_for("/api/x/7/upload") == 4096
    assert limiter.limit_for("/api/x/7") == 2048
    shipped = BodyLimit(make_app, Settings())
    assert shipped.limit_for("/api/nominations/import") == 20 * MIB
    assert shipped.limit_for("/notice/jx/objections") == 64 * 1024
    assert shipped.limit_for("/api/nominations") == MIB
    # Every form or endpoint that carries a file takes the uploads' cap; the file's own limit
    # (attachments, quota tables) then answers in its own words.
    for upload in (
        "/office/objections",
        "/objections/7/answer",
        "/objections/7/attachments",
        "/api/nominations/7/attachments",
        "/admin/campaigns/jx/quota/import",
        "/api/campaigns/jx/quota/import",
        "/unit/import",
    ):
        assert shipped.limit_for(upload) == 20 * MIB, upload


@pytest.fixture
def served(sqlite_sf: sessionmaker[Session]) -> Iterator[int]:
    """The app on a real uvicorn server on loopback; yields its port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(make_app(sqlite_sf), lifespan="off", log_level="error"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.02)
    yield sock.getsockname()[1]
    server.should_exit = True
    thread.join(10)


def test_uvicorn_refuses_a_chunked_body_once_past_the_cap(served: int) -> None:
    conn = socket.create_connection(("127.0.0.1", served))
    conn.sendall(
        f"POST {OBJECTION} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n".encode()
    )
    chunk, sent = b"x" * 16384, 0
    while sent < 30 * MIB and not select.select([conn], [], [], 0.01)[0]:
        conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        sent += len(chunk)
    received = b""
    while not received.endswith(b"}}") and select.select([conn], [], [], 5)[0]:
        piece = conn.recv(65536)
        if not piece:
            break
        received += piece
    conn.close()
    answer = received.decode("utf-8", "replace")
    assert answer.startswith("HTTP/1.1 413"), answer
    assert '"code":"too_large"' in answer
    assert sent < 2 * MIB  # refused after the cap (64 KiB), not after 30 MB
