"""Sending composed messages: SMTP with errors sorted into retry-or-fail, or .eml files."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import smtplib
import ssl
import tempfile
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal, Protocol, Self

from config.catalogue import DEFAULT, Message, msg, render

if TYPE_CHECKING:
    from config.settings import Settings

Security = Literal["none", "starttls", "tls"]


class SendError(Exception):
    """A message was not sent; `code` is the SMTP reply code when there was one.

    Its words are a catalogue Message; `str()` is the Chinese an administrator reads where
    the relay records it (`last_error`), `text(locale)` any other language. The server's
    own reply is quoted as it came.
    """

    def __init__(self, message: Message | str, code: int | None = None) -> None:
        super().__init__(message)
        self.message, self.code = message, code

    def text(self, locale: str = DEFAULT) -> str:
        """The error in a locale."""
        return render(self.message, locale)

    def __str__(self) -> str:
        return self.text(DEFAULT)


class TransientSendError(SendError):
    """Try again later: connection trouble, a timeout or a 4xx reply."""


class PermanentSendError(SendError):
    """Do not retry: the server refused the message with a 5xx reply."""


class Transport(Protocol):
    """Something that delivers a composed message."""

    def send(self, message: EmailMessage) -> None:
        """Deliver one message or raise TransientSendError / PermanentSendError."""


def _reply_error(code: int, text: bytes | str, where: str, suffix: Message | str = "") -> SendError:
    """Sort an SMTP reply: 5xx is permanent, anything else (4xx, odd codes) is transient."""
    reply = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    message = msg("mail.send.reply", status=code, reply=reply.strip(), where=where, suffix=suffix)
    if 500 <= code <= 599:
        return PermanentSendError(message, code)
    return TransientSendError(message, code)


def _refused_error(refused: dict[str, tuple[int, bytes]], where: str) -> SendError:
    """Refused recipients: permanent if any refusal is 5xx, else transient."""
    worst = max(refused.items(), key=lambda item: item[1][0])
    addr, (code, text) = worst
    return _reply_error(code, text, where, msg("mail.send.for_recipient", address=addr))


def classify(exc: Exception, where: str) -> SendError:
    """Turn what smtplib or the socket raised into a TransientSendError or PermanentSendError."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return _refused_error(exc.recipients, where)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply_error(exc.smtp_code, exc.smtp_error, where)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return PermanentSendError(msg("mail.send.not_supported", where=where, detail=str(exc)))
    # Disconnects, refused/reset connections, timeouts, DNS and TLS trouble: the message is
    # not at fault, so it waits for the next attempt.
    detail = str(exc) or type(exc).__name__
    return TransientSendError(msg("mail.send.connection_failed", where=where, detail=detail))


class SmtpTransport:
    """SMTP delivery; `with transport:` (or open/close) reuses one connection for a batch."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: Security = "none",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        local_hostname: str | None = None,
    ) -> None:
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.timeout = username, password, timeout
        self.local_hostname = local_hostname
        self._smtp: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        """host:port, for error messages."""
        return f"{self.host}:{self.port}"

    def _connect(self) -> smtplib.SMTP:
        """Connect, secure and log in as configured."""
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.security == "tls":
            smtp = smtplib.SMTP_SSL(
                self.host, self.port, self.local_hostname, timeout=self.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, self.local_hostname, timeout=self.timeout)
        try:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def open(self) -> None:
        """Open the connection that following sends reuse."""
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except (smtplib.SMTPException, OSError) as exc:
                raise classify(exc, self.where) from exc

    def close(self) -> None:
        """Say goodbye and drop the connection; a broken one is just closed."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        """Send one message, on the open connection or on one of its own."""
        if self._smtp is None:
            with self:
                self._send(message)
        else:
            self._send(message)

    def _send(self, message: EmailMessage) -> None:
        """Send on the open connection; a broken connection is dropped so the next send redials."""
        smtp = self._smtp
        if smtp is None:  # send() opened it; only a concurrent close() gets here
            raise TransientSendError(msg("mail.send.closed", where=self.where))
        try:
            refused = smtp.send_message(message)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as exc:
            # smtplib has sent RSET, so the connection stays usable, unless the server quits.
            if getattr(exc, "smtp_code", None) == 421:
                self.close()
            raise classify(exc, self.where) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise classify(exc, self.where) from exc
        if refused:  # some recipients accepted, some refused
            raise _refused_error(refused, self.where)


_UNSAFE = re.compile(r"[^A-Za-z0-9._@+=-]")


def _file_key(message: EmailMessage) -> str:
    """A file-name-safe form of the Message-ID (or of the content when there is none)."""
    raw = str(message.get("Message-ID", "")).strip().strip("<>")
    if not raw:
        return "no-id-" + hashlib.sha256(message.as_bytes()).hexdigest()[:16]
    safe = _UNSAFE.sub("_", raw)[:150]
    if safe != raw:  # two ids that differ only in unsafe characters must not share a file
        safe += "-" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:8]
    return safe


class EmlFolderTransport:
    """Writes each message as an .eml file; the same Message-ID always lands in the same file."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path_for(self, message: EmailMessage) -> Path:
        """The file for this message: named by its Message-ID, which starts with its kind."""
        return self.folder / f"{_file_key(message)}.eml"

    def send(self, message: EmailMessage) -> None:
        """Write the file atomically: a temporary file in the folder, then os.replace."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path_for(message)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".eml.tmp")
        try:
            # No fsync: the folder is for a first run and the demo; a crashed process still
            # leaves the file whole in the page cache, and fsync made each message 5 ms.
            with os.fdopen(fd, "wb") as out:
                out.write(message.as_bytes())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def transport_from_settings(settings: Settings) -> Transport:
    """SMTP when a host is configured, else .eml files in the mail folder."""
    if settings.smtp_host:
        return SmtpTransport(
            settings.smtp_host,
            settings.smtp_port,
            security=settings.smtp_security,
            username=settings.smtp_username,
            password=settings.smtp_password,
            timeout=settings.smtp_timeout,
        )
    return EmlFolderTransport(settings.resolved_mail_folder())
