"""Composing a rendered message into a multipart (text + HTML) email with proper encodings."""

from __future__ import annotations

import email.policy
import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from typing import Any

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


# Headers whose values repeat message after message (the MIME structure, the sender, the
# kind, the second it was composed): parsing one costs more than sending the message's bytes.
_REPEATED = frozenset(
    {"content-type", "content-transfer-encoding", "mime-version", "from", "to", "date",
     "x-honorflow-kind"}
)  # fmt: skip
# Parsed headers kept, least recently used first out: a parsed header with its parse tree is
# about 7 KB (a Date) to 14 KB (a To with a Chinese name), so the caches stay small.
_PARSED_KEPT = 128
_ADDRESS_HEADERS_KEPT = 64  # From and To headers: the sender, and recipients sent to again


class _HeaderClasses(HeaderRegistry):
    """The email package's header classes, each made once: its registry makes a new class for
    every header of every message (about a tenth of composing and writing one).

    Headers of the names in `_REPEATED` are also parsed once per value and shared between
    messages: a parsed header is an immutable str (a message replaces it, never changes it),
    and folding it when a message is written leaves it as it was."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}
        # lru_cache: safe when worker threads compose at once, and bounded.
        self._parsed_once = lru_cache(maxsize=_PARSED_KEPT)(self._parse)

    def __getitem__(self, name: str) -> type[BaseHeader]:
        made = self._made.get(name.lower())
        if made is None:
            made = self._made[name.lower()] = super().__getitem__(name)
        return made

    def __call__(self, name: str, value: Any) -> BaseHeader:
        if type(value) is str and name.lower() in _REPEATED:
            return self._parsed_once(name, value)
        return self._parse(name, value)

    def _parse(self, name: str, value: Any) -> BaseHeader:
        return self[name](name, value)


# Folded headers kept (bytes of a header line or two each); emptied when full, which the
# few senders, units and MIME headers of a run seldom make it.
_FOLDS_KEPT = 2048
_FOLDED: dict[tuple[Any, ...], bytes] = {}


class _SmtpPolicy(email.policy.EmailPolicy):
    """The email package's policy, folding each repeated header value once: writing a message
    folds every header again (its parse tree walked and re-encoded), the largest cost of
    sending one. A header's folding depends only on its name, its text and the policy's
    line settings, which the key holds (writing clones the policy, so it cannot be the key)."""

    def fold_binary(self, name: str, value: Any) -> bytes:
        if not (isinstance(value, BaseHeader) and name.lower() in _REPEATED):
            return super().fold_binary(name, value)
        key = (name, str(value), self.max_line_length, self.linesep, self.utf8, self.cte_type)
        folded = _FOLDED.get(key)
        if folded is None:
            folded = super().fold_binary(name, value)
            if len(_FOLDED) >= _FOLDS_KEPT:
                _FOLDED.clear()
            _FOLDED[key] = folded
        return folded


# SMTP's settings (CRLF, folding at 78), with the header classes made once.
_POLICY = _SmtpPolicy(linesep="\r\n", header_factory=_HeaderClasses())


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


@lru_cache(maxsize=_ADDRESS_HEADERS_KEPT)
def _address_header(field: str, addr_spec: str, display_name: str | None) -> BaseHeader:
    """The From or To header of a checked address, parsed once: a header is an immutable str
    that messages share (see `_HeaderClasses`)."""
    header: BaseHeader = _POLICY.header_factory(field, make_address(addr_spec, display_name))
    return header


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
    msg["From"] = _address_header("From", sender, sender_name)
    msg["To"] = _address_header("To", recipient, recipient_name)
    msg["Subject"] = header_text(rendered.subject)
    msg["Date"] = format_datetime(date or datetime.now(UTC))
    msg["Message-ID"] = _check_message_id(message_id)
    msg.set_content(rendered.text, charset="utf-8", cte=_transfer_encoding(rendered.text))
    html_cte = _transfer_encoding(rendered.html)
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8", cte=html_cte)
    _set_boundary(msg, rendered)
    return msg


# The parts' boundary, the same in every message (so its Content-Type header is parsed and
# folded once, see `_REPEATED`) unless a part's text holds it: then the email package picks a
# random one that none holds, as it does for every message without one. A part written as
# base64 or quoted-printable cannot hold it ("_" is not base64, "=" is escaped in QP).
_BOUNDARY = "=_honorflow_part_boundary_="
_ALTERNATIVE = f'multipart/alternative; boundary="{_BOUNDARY}"'


def _set_boundary(message: EmailMessage, rendered: RenderedMessage) -> None:
    """The shared boundary where no part's text holds it (writing a message without one draws
    a random one, compiles a pattern to search the parts for it and parses Content-Type again)."""
    if _BOUNDARY not in rendered.text and _BOUNDARY not in rendered.html:
        message.replace_header("Content-Type", _ALTERNATIVE)


_LINE_LENGTH: int = _POLICY.max_line_length or 78  # the policy's, never None (SMTP's 78)
# Every ASCII byte, for counting the others with `bytes.translate` (in C).
_ASCII = bytes(range(128))


def _transfer_encoding(text: str) -> str | None:
    """Base64 where the email package's own choice is sure to be base64, else None (it chooses
    then). It chooses by encoding the first ten lines both ways and taking the shorter; for
    Chinese text the quoted-printable pass, in Python, is pure cost.
    Quoted-printable writes each non-ASCII byte as three characters and every other byte but
    the line breaks as at least one, so when that bound alone passes the base64 length, it
    would have chosen base64; the message is the same either way."""
    lines = text.encode("utf-8").splitlines()
    if max((len(line) for line in lines), default=0) <= _LINE_LENGTH:
        return None  # short lines: 7bit or 8bit, chosen without encoding anything
    sniff = b"\r\n".join(lines[:10]) + b"\r\n"
    others = len(sniff.translate(None, _ASCII))
    qp_at_least = 3 * others + (len(sniff) - others) - 2 * min(len(lines), 10)
    base64_length = 4 * -(-len(sniff) // 3) + 1  # binascii.b2a_base64 ends with a newline
    return "base64" if qp_at_least > base64_length else None
