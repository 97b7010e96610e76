"""A real SMTP server on loopback (aiosmtpd) that records what it receives and fails on demand."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
import time
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Literal, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

Stage = Literal["mail", "rcpt", "data"]


@dataclass(frozen=True)
class Received:
    """One accepted message: the envelope and the raw bytes."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes


class _Controller(Controller):
    """A controller that listens on the port the system picked when asked for port 0."""

    def _trigger_server(self) -> None:
        server = cast(asyncio.Server, self.server)
        self.port = server.sockets[0].getsockname()[1]
        super()._trigger_server()


class RecordingSMTPServer:
    """Start, send to `.port`, read `.messages`; `fail_next` and `stall` script misbehaviour."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self._lock = threading.Lock()
        self._failures: dict[Stage, deque[str]] = {
            "mail": deque(),
            "rcpt": deque(),
            "data": deque(),
        }
        self._stalls: deque[float] = deque()
        self._stall_always: float = 0.0
        self.received: list[Received] = []
        self.mail_commands = 0
        self._sessions: list[Session] = []
        self._controller = _Controller(
            self, hostname=host, port=port, server_hostname="smtp.test", ready_timeout=10
        )

    @property
    def port(self) -> int:
        """The port the server listens on (known once started)."""
        return int(self._controller.port)

    def start(self) -> RecordingSMTPServer:
        """Listen; returns self."""
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening and end open sessions."""
        self._controller.stop()

    def __enter__(self) -> RecordingSMTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- scripting failures ----------------------------------------------------------------

    def fail_next(
        self, code: int = 451, times: int = 1, stage: Stage = "data", text: str | None = None
    ) -> None:
        """Answer the next `times` commands of `stage` with `code` (451: 4.3.0 try again later)."""
        reply = f"{code} {text or _default_text(code)}"
        with self._lock:
            self._failures[stage].extend([reply] * times)

    def stall(self, seconds: float, times: int | None = 1) -> None:
        """Sleep before answering MAIL, the next `times` times (None: every time, until 0)."""
        with self._lock:
            if times is None:
                self._stall_always = seconds
            else:
                self._stalls.extend([seconds] * times)

    def clear(self) -> None:
        """Forget scripted failures and stalls."""
        with self._lock:
            for queue in self._failures.values():
                queue.clear()
            self._stalls.clear()
            self._stall_always = 0.0

    # -- what arrived ----------------------------------------------------------------------

    @property
    def messages(self) -> list[EmailMessage]:
        """Accepted messages, parsed with email.policy.default."""
        with self._lock:
            raw = [r.content for r in self.received]
        return [email.message_from_bytes(b, policy=email.policy.default) for b in raw]

    @property
    def connections(self) -> int:
        """How many SMTP sessions (connections) issued at least one MAIL command."""
        with self._lock:
            return len({id(s) for s in self._sessions})

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until at least `count` messages arrived; raises TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    break
            time.sleep(0.02)
        else:
            raise TimeoutError(f"{len(self.received)} of {count} messages within {timeout}s")
        return self.messages

    # -- aiosmtpd handler hooks ------------------------------------------------------------

    def _take_failure(self, stage: Stage) -> str | None:
        with self._lock:
            queue = self._failures[stage]
            return queue.popleft() if queue else None

    def _take_stall(self, session: Session) -> float:
        with self._lock:
            self.mail_commands += 1
            if not any(s is session for s in self._sessions):
                self._sessions.append(session)  # kept alive, so ids stay distinct
            return self._stalls.popleft() if self._stalls else self._stall_always

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        delay = self._take_stall(session)
        if delay:
            await asyncio.sleep(delay)
        failure = self._take_failure("mail")
        if failure:
            return failure
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        failure = self._take_failure("rcpt")
        if failure:
            return failure
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        failure = self._take_failure("data")
        if failure:
            return failure
        content: Any = envelope.original_content or envelope.content
        data = content if isinstance(content, bytes) else str(content).encode("utf-8")
        with self._lock:
            self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), data))
        return "250 Message accepted for delivery"


def _default_text(code: int) -> str:
    """An enhanced status text that fits the reply code."""
    if 400 <= code < 500:
        return "4.3.0 try again later"
    return "5.7.1 message refused"
