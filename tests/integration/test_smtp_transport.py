"""Sending through a real SMTP server on loopback, and writing .eml files."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import cast

import pytest

from config.settings import Settings
from notifications.compose import compose, message_id_for
from notifications.render import SAMPLE_CONTEXTS, render
from notifications.transport import (
    EmlFolderTransport,
    PermanentSendError,
    SmtpTransport,
    TransientSendError,
    transport_from_settings,
)
from tests.smtp_server import RecordingSMTPServer, Stage

RECIPIENT = "shuiwu@example.org"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def message(key: str = "task_assigned:128", when: datetime = T0) -> EmailMessage:
    rendered = render("task_assigned", SAMPLE_CONTEXTS["task_assigned"])
    return compose(
        rendered,
        sender="laomo@example.org",
        sender_name="劳模评选工作办公室",
        recipient=RECIPIENT,
        recipient_name="省税务局",
        message_id=message_id_for(key, "example.org"),
        date=when,
    )


@pytest.fixture
def server() -> Iterator[RecordingSMTPServer]:
    smtp = RecordingSMTPServer().start()
    yield smtp
    smtp.stop()


def transport(server: RecordingSMTPServer, timeout: float = 5.0) -> SmtpTransport:
    return SmtpTransport("127.0.0.1", server.port, security="none", timeout=timeout)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- SMTP ----------------------------------------------------------------------------------


def test_send_delivers_both_parts_with_a_chinese_subject(server: RecordingSMTPServer) -> None:
    transport(server).send(message())
    [got] = server.messages
    assert server.received[0].rcpt_tos == [RECIPIENT]
    assert server.received[0].mail_from == "laomo@example.org"
    assert got["Subject"] == "【待办】张伟（多部门联审）审核任务"
    assert got["From"].addresses[0].display_name == "劳模评选工作办公室"
    assert got["Message-ID"] == f"<{message_id_for('task_assigned:128', 'example.org')}>"
    plain, html = got.get_body(("plain",)), got.get_body(("html",))
    assert plain is not None and html is not None
    assert "候选人张伟的推荐材料" in plain.get_content()
    assert "<strong>张伟</strong>" in html.get_content()


def test_a_batch_reuses_one_connection(server: RecordingSMTPServer) -> None:
    with transport(server) as smtp:
        for n in range(3):
            smtp.send(message(f"task_assigned:{n}"))
    assert len(server.wait_for(3)) == 3 and server.connections == 1
    single = transport(server)
    single.send(message("task_assigned:3"))
    single.send(message("task_assigned:4"))
    assert server.connections == 3  # without `with`, one connection per message


@pytest.mark.parametrize("stage", ["data", "rcpt", "mail"])
def test_451_is_transient_and_a_retry_goes_through(
    server: RecordingSMTPServer, stage: Stage
) -> None:
    server.fail_next(code=451, times=2, stage=stage)
    smtp = transport(server)
    for _ in range(2):
        with pytest.raises(TransientSendError) as info:
            smtp.send(message())
        assert info.value.code == 451
        # Recorded in Chinese for the administrators (str), in English on request.
        english = info.value.text("en")
        assert f"SMTP 451 4.3.0 try again later (127.0.0.1:{server.port})" in english
        assert f"邮件服务器127.0.0.1:{server.port}答复451：4.3.0 try again later" in str(info.value)
    assert server.messages == []
    smtp.send(message())
    assert len(server.messages) == 1


@pytest.mark.parametrize("stage", ["data", "rcpt"])
def test_550_is_permanent(server: RecordingSMTPServer, stage: Stage) -> None:
    server.fail_next(code=550, stage=stage, text="5.1.1 mailbox unavailable")
    with pytest.raises(PermanentSendError) as info:
        transport(server).send(message())
    assert info.value.code == 550
    assert "SMTP 550 5.1.1 mailbox unavailable" in info.value.text("en")
    assert "答复550：5.1.1 mailbox unavailable" in str(info.value)
    if stage == "rcpt":
        assert info.value.text("en").endswith(f"for {RECIPIENT}")
        assert str(info.value).endswith(f"（收件人{RECIPIENT}）")
    assert server.messages == []


def test_a_failure_in_a_batch_leaves_the_connection_usable(server: RecordingSMTPServer) -> None:
    server.fail_next(code=452, stage="rcpt")
    with transport(server) as smtp:
        with pytest.raises(TransientSendError):
            smtp.send(message("task_assigned:1"))
        smtp.send(message("task_assigned:2"))
    assert len(server.messages) == 1 and server.connections == 1


def test_connection_refused_is_transient() -> None:
    port = closed_port()
    with pytest.raises(TransientSendError) as info:
        SmtpTransport("127.0.0.1", port, security="none", timeout=2).send(message())
    assert info.value.code is None
    assert f"127.0.0.1:{port}" in str(info.value)


def test_a_server_that_stalls_past_the_timeout_is_transient(server: RecordingSMTPServer) -> None:
    server.stall(3)
    with pytest.raises(TransientSendError) as info:
        transport(server, timeout=0.5).send(message())
    assert info.value.code is None and "timed out" in str(info.value)
    assert server.messages == []


def test_no_starttls_needed_with_security_none_but_required_with_starttls(
    server: RecordingSMTPServer,
) -> None:
    transport(server).send(message())  # the server does not offer STARTTLS
    assert len(server.messages) == 1
    strict = SmtpTransport("127.0.0.1", server.port, security="starttls", timeout=5)
    with pytest.raises(PermanentSendError, match="STARTTLS"):
        strict.send(message())
    assert len(server.messages) == 1


def test_transport_from_settings(server: RecordingSMTPServer, tmp_path: Path) -> None:
    settings = Settings(smtp_host="127.0.0.1", smtp_port=server.port, smtp_timeout=5)
    smtp = transport_from_settings(settings)
    assert isinstance(smtp, SmtpTransport)
    smtp.send(message())
    assert len(server.messages) == 1
    files = transport_from_settings(Settings(smtp_host=None, data_dir=tmp_path, mail_folder=None))
    assert isinstance(files, EmlFolderTransport) and files.folder == tmp_path / "mail"
    chosen = Settings(smtp_host=None, mail_folder=tmp_path / "out")
    assert cast(EmlFolderTransport, transport_from_settings(chosen)).folder == tmp_path / "out"


# -- .eml files ----------------------------------------------------------------------------


def test_eml_folder_writes_a_parseable_file(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    EmlFolderTransport(folder).send(message())
    [path] = list(folder.iterdir())
    mid = message_id_for("task_assigned:128", "example.org")
    assert path.name == f"{mid}.eml"
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "【待办】张伟（多部门联审）审核任务"
    assert parsed.get_content_type() == "multipart/alternative"


def test_eml_folder_is_idempotent_per_message_id(tmp_path: Path) -> None:
    eml = EmlFolderTransport(tmp_path)
    eml.send(message())
    eml.send(message())
    eml.send(message(when=datetime(2026, 3, 3, 2, 0, tzinfo=UTC)))  # a resend, recomposed
    [path] = list(tmp_path.iterdir())  # one file, and no temporary file left behind
    assert path.name == f"{message_id_for('task_assigned:128', 'example.org')}.eml"
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["Date"].datetime == datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
    eml.send(message("task_assigned:129"))
    assert len(list(tmp_path.iterdir())) == 2
