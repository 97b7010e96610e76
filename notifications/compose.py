"""Composing a rendered message into a multipart (text + HTML) email with proper encodings."""

from __future__ import annotations

import email.policy
import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import Policy
from email.utils import format_datetime
from functools import lru_cache

from config.catalogue import msg
from notifications.errors import BadAddress
from notifications.render import RenderedMessage

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATOM}(?:\.{_ATOM})*"
# RFC 5322 msg-id without the angle brackets; the email package mangles anything else
# (a colon cuts the header short), and a resend must carry the very same id.
_MESSAGE_ID = re.compile(rf"{_DOT_ATOM}@{_DOT_ATOM}")
_NOT_ATEXT = re.compile(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")


# Unicode categories a header value may not carry: controls (Cc), format characters such as
# bidirectional overrides (Cf), line and paragraph separators (Zl, Zp). U+2028 in a name made
# the email package refuse the whole message.
_NOT_IN_HEADERS = frozenset({"Cc", "Cf", "Zl", "Zp"})


def header_text(value: str) -> str:
    """A header value on one line: breaks and separators become a space, controls go."""
    kept = (
        " " if ch.isspace() else ch  # \t \r \n \x85 U+2028 U+2029 are all whitespace
        for ch in value
        if ch.isspace() or unicodedata.category(ch) not in _NOT_IN_HEADERS
    )
    return " ".join("".join(kept).split())


class _FoldedOnce(BaseHeader):
    """A header that keeps its folded form: the same header object is written in many
    messages (see _HeaderClasses), and folding it again gives the same text."""

    def fold(self, *, policy: Policy) -> str:
        # What folding reads of the policy (a multipart's parts get a clone of it).
        settings = (policy.linesep, policy.max_line_length, getattr(policy, "utf8", False))
        kept: dict[tuple[str, int | None, bool], str] = self.__dict__.setdefault("_folded", {})
        folded = kept.get(settings)
        if folded is None:
            folded = kept[settings] = super().fold(policy=policy)
        return folded


# Headers parsed and kept for reuse at most; past it the store starts afresh (the repeated
# ones, sender, units, MIME parts and the minute's Date, come back within a few messages).
_HEADERS_KEPT = 512


class _HeaderClasses(HeaderRegistry):
    """The email package's header classes, each made once, and its headers parsed once per
    value: its registry makes a new class for every header of every message, and the From,
    To, MIME-Version, Content-Type and Content-Transfer-Encoding of one message repeat in the
    next (parsing and folding them was two thirds of composing and writing a message).

    A header is an immutable str; sharing one between messages changes no byte written."""

    def __init__(self) -> None:
        super().__init__(base_class=_FoldedOnce)
        self._made: dict[str, type[BaseHeader]] = {}
        self._parsed: dict[tuple[str, str, str], BaseHeader] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        made = self._made.get(name.lower())
        if made is None:
            made = self._made[name.lower()] = super().__getitem__(name)
        return made

    def __call__(self, name: str, value: object) -> BaseHeader:
        key = _header_key(name, value)
        if key is None:
            return super().__call__(name, value)
        header = self._parsed.get(key)
        if header is None:
            if len(self._parsed) >= _HEADERS_KEPT:
                self._parsed.clear()
            header = self._parsed[key] = super().__call__(name, value)
        return header


def _header_key(name: str, value: object) -> tuple[str, str, str] | None:
    """What a header is parsed from: its name and a text value, or an address's two parts
    (make_address gives the same address each time); None for anything else."""
    if type(value) is str:
        return (name, "", value)
    if type(value) is Address:
        return (name, value.display_name, value.addr_spec)
    return None


# SMTP's policy (CRLF, folding at 78), with the header classes made once.
_POLICY = email.policy.SMTP.clone(header_factory=_HeaderClasses())


def _shown(addr_spec: str) -> str:
    """An address as an error line shows it: line breaks and control characters escaped."""
    return repr(addr_spec)[1:-1]


@lru_cache(maxsize=4096)  # the same few senders and units, message after message
def make_address(addr_spec: str, display_name: str | None = None) -> Address:
    """A checked address; Chinese display names are encoded when the message is serialised."""
    spec = addr_spec.strip()
    if not spec or not spec.isascii() or "@" not in spec:
        raise BadAddress(msg("mail.address.not_ascii", address=_shown(addr_spec)))
    try:
        # The header parser raises a zoo of types (ValueError, IndexError, defects).
        address = Address(header_text(display_name or ""), addr_spec=spec)
    except Exception as exc:
        raise BadAddress(msg("mail.address.invalid", address=_shown(addr_spec))) from exc
    if not address.username or not address.domain:
        raise BadAddress(msg("mail.address.no_domain", address=_shown(addr_spec)))
    return address


def message_id_for(key: str, domain: str) -> str:
    """A stable, valid Message-ID (without <>) for an outbox idempotency key."""
    # Short enough that "Message-ID: <…>" stays on one header line (no folding).
    readable = _NOT_ATEXT.sub(".", key)[:36].strip(".") or "message"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    return f"{readable}.{digest}@{domain}"


def _check_message_id(message_id: str) -> str:
    """The Message-ID header value, refusing ids the header could not carry unchanged."""
    if not _MESSAGE_ID.fullmatch(message_id):
        raise ValueError(
            f"invalid Message-ID {message_id!r}: expected dot-atom@dot-atom without <>, "
            "e.g. from notifications.compose.message_id_for(key, domain)"
        )
    return f"<{message_id}>"


def compose(
    rendered: RenderedMessage,
    *,
    sender: str,
    sender_name: str,
    recipient: str,
    recipient_name: str | None,
    message_id: str,
    date: datetime | None = None,
) -> EmailMessage:
    """A multipart/alternative message: text/plain then text/html, UTF-8, SMTP line endings."""
    msg = EmailMessage(policy=_POLICY)
    msg["From"] = make_address(sender, sender_name)
    msg["To"] = make_address(recipient, recipient_name)
    msg["Subject"] = header_text(rendered.subject)
    msg["Date"] = format_datetime(date or datetime.now(UTC))
    msg["Message-ID"] = _check_message_id(message_id)
    msg.set_content(rendered.text, charset="utf-8")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8")
    _set_boundary(msg)
    return msg


# The parts' boundary, the same in every message: the email package would draw a random one
# while writing, parse the Content-Type again and compile a pattern to search the parts with.
_BOUNDARY = "=" * 15 + "honorflow-alternative=="


def _set_boundary(message: EmailMessage) -> None:
    """Set the fixed boundary unless a part's encoded text holds it (a stricter test than the
    package's own: the boundary anywhere, not only as a line); then the package draws one."""
    parts = message.iter_parts()
    if all(_BOUNDARY not in str(part.get_payload()) for part in parts):
        message.set_boundary(_BOUNDARY)
