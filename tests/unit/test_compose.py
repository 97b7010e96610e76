"""Composing the email: multipart text and HTML, Chinese names and subjects, stable ids."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from notifications import compose as compose_module
from notifications.compose import compose, message_id_for
from notifications.render import (
    SAMPLE_CONTEXTS,
    RenderedMessage,
    render,
)
from workflow.errors import BadAddress

MID = message_id_for("task_assigned:128", "example.org")


def composed(recipient_name: str | None = "省税务局", **changes: str) -> EmailMessage:
    rendered = render("task_assigned", SAMPLE_CONTEXTS["task_assigned"])
    args = {"sender": "laomo@example.org", "recipient": "shuiwu@example.org", **changes}
    return compose(
        rendered,
        sender=args["sender"],
        sender_name="劳模评选工作办公室",
        recipient=args["recipient"],
        recipient_name=recipient_name,
        message_id=args.get("message_id", MID),
        date=datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
    )


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_compose_parses_back_to_the_chinese_text() -> None:
    rendered: RenderedMessage = render("task_assigned", SAMPLE_CONTEXTS["task_assigned"])
    raw = composed().as_bytes()
    assert raw.isascii()  # every non-ASCII header and body is encoded
    msg = parse(raw)
    assert msg.get_content_type() == "multipart/alternative"
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and html is not None
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert plain.get_content_charset() == html.get_content_charset() == "utf-8"
    assert plain.get_content().replace("\r\n", "\n") == rendered.text
    assert html.get_content().replace("\r\n", "\n").strip() == rendered.html.strip()
    assert "候选人张伟的推荐材料" in plain.get_content()
    assert msg["Subject"] == rendered.subject == "【待办】张伟（多部门联审）审核任务"
    sender, recipient = msg["From"].addresses[0], msg["To"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("劳模评选工作办公室", "laomo@example.org")
    assert (recipient.display_name, recipient.addr_spec) == ("省税务局", "shuiwu@example.org")
    assert msg["Message-ID"] == f"<{MID}>"
    assert msg["Date"].datetime == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_a_resend_carries_the_same_message_id() -> None:
    first, second = parse(composed().as_bytes()), parse(composed().as_bytes())
    assert first["Message-ID"] == second["Message-ID"] == f"<{MID}>"
    assert MID.startswith("task_assigned.128.") and MID.endswith("@example.org")
    assert message_id_for("task_assigned:129", "example.org") != MID


def test_a_recipient_without_a_name() -> None:
    assert str(parse(composed(recipient_name=None).as_bytes())["To"]) == "shuiwu@example.org"


@pytest.mark.parametrize(
    "address",
    [
        "",
        "not-an-address",
        "a@",
        "@example.org",
        "张三@例子.中国",
        "a@b.c, d@e.f",
        "a@b.c\r\nBcc: x",
    ],
)
@pytest.mark.parametrize("field", ["sender", "recipient"])
def test_a_bad_address_is_named(field: str, address: str) -> None:
    with pytest.raises(BadAddress) as info:
        composed(**{field: address})
    assert f"“{repr(address)[1:-1]}”" in str(info.value) and repr(address) in info.value.text("en")


@pytest.mark.parametrize("message_id", ["task_assigned:128@x", "<a@b>", "a b@c", "abc", ""])
def test_a_message_id_the_header_would_mangle_is_refused(message_id: str) -> None:
    with pytest.raises(ValueError, match="invalid Message-ID"):
        composed(message_id=message_id)


def _without_boundary(raw: bytes) -> bytes:
    """The bytes with the MIME boundary (random per message) blanked."""
    return re.sub(rb"={15}\d+==", b"BOUNDARY", raw)


def test_headers_parsed_once_are_shared_and_left_unchanged() -> None:
    # From, To, Date and the MIME headers are parsed once and shared between messages; writing
    # a message must leave them as they were, so the next message is written the same.
    compose_module._address_header.cache_clear()
    compose_module._POLICY.header_factory._parsed_once.cache_clear()  # type: ignore[attr-defined]
    first = composed()
    written = first.as_bytes()
    second = composed()
    assert second["From"] is first["From"] and second["Content-Type"] is not None
    assert _without_boundary(second.as_bytes()) == _without_boundary(written)
    assert _without_boundary(first.as_bytes()) == _without_boundary(written)
    other = composed(recipient_name="省人社厅", recipient="renshe@example.org")
    assert other["To"].addresses[0].display_name == "省人社厅"
    assert parse(composed().as_bytes())["To"].addresses[0].display_name == "省税务局"


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("省税务局", "shuiwu@example.org"),
        (
            "赣州市总工会（第14片区）中一个很长很长的单位名称，写下来要折行的那一种",
            "gz14@example.org",
        ),
        (None, "plain@example.org"),
    ],
)
def test_headers_folded_once_write_the_bytes_the_stock_policy_writes(
    name: str | None, address: str
) -> None:
    # The repeated headers' folding is kept between messages; what is written must be what
    # the email package's own SMTP policy writes for the same message, first time and again.
    compose_module._FOLDED.clear()
    message = composed(recipient_name=name, recipient=address)
    boundary = "=_fixed_boundary_for_the_comparison"
    message.set_boundary(boundary)
    stock = message.as_bytes(policy=email.policy.SMTP)
    assert message.as_bytes() == stock
    assert compose_module._FOLDED  # the second writing took the folds kept
    assert message.as_bytes() == stock
    again = composed(recipient_name=name, recipient=address)
    again.set_boundary(boundary)
    assert again.as_bytes() == stock


def _as_the_email_package_writes(
    rendered: RenderedMessage, monkeypatch: pytest.MonkeyPatch
) -> tuple[bytes, bytes]:
    """The message as composed, and as composed with every choice left to the email package
    (its own transfer encodings, a boundary of its own), with the boundary made the same."""
    args = {
        "sender": "laomo@example.org",
        "sender_name": "劳模评选工作办公室",
        "recipient": "shuiwu@example.org",
        "recipient_name": "省税务局",
        "message_id": MID,
        "date": datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
    }
    ours = compose(rendered, **args)  # type: ignore[arg-type]
    with monkeypatch.context() as patched:
        patched.setattr(compose_module, "_transfer_encoding", lambda text: None)
        patched.setattr(compose_module, "_set_boundary", lambda message, rendered: None)
        stock = compose(rendered, **args)  # type: ignore[arg-type]
    assert stock.get_boundary() is None
    stock.set_boundary(compose_module._BOUNDARY)
    return ours.as_bytes(), stock.as_bytes()


LONG_CHINESE = "经核查，该同志事迹材料真实，群众基础好，同意推荐。" * 12
MOSTLY_ASCII = "Reference: " + "A-2026-0001 " * 12 + "张伟"


@pytest.mark.parametrize(
    "text",
    [LONG_CHINESE, MOSTLY_ASCII, "short 短", "", "x" * 200, LONG_CHINESE + "\n" + "y" * 300],
)
def test_the_transfer_encodings_chosen_are_the_email_packages_own(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = RenderedMessage("主题", text, f"<p>{text}</p>")
    ours, stock = _as_the_email_package_writes(rendered, monkeypatch)
    assert ours == stock


@pytest.mark.parametrize("kind", sorted(SAMPLE_CONTEXTS))
def test_every_kind_is_written_as_the_email_package_would_write_it(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, stock = _as_the_email_package_writes(render(kind, SAMPLE_CONTEXTS[kind]), monkeypatch)
    assert ours == stock


def test_the_boundary_is_one_for_all_messages_unless_a_part_holds_it() -> None:
    first, second = composed(), composed(recipient="other@example.org")
    assert first.get_boundary() == second.get_boundary() == compose_module._BOUNDARY
    assert first["Content-Type"] is second["Content-Type"]  # parsed once
    # A text (an opinion, a name) holding the boundary: the email package picks another.
    line = f"--{compose_module._BOUNDARY}"
    rendered = RenderedMessage("主题", f"ok\n{line}\nstill the text\n", f"<p>{line}</p>")
    message = compose(
        rendered,
        sender="laomo@example.org",
        sender_name="办公室",
        recipient="a@example.org",
        recipient_name=None,
        message_id=MID,
    )
    back = parse(message.as_bytes())
    assert back.get_boundary() != compose_module._BOUNDARY
    plain, html = back.get_body(("plain",)), back.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content().replace("\r\n", "\n") == rendered.text
    assert line in html.get_content()
