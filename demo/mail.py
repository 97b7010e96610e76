"""The demo's mail, sent by two processes: the round's own and a second one, as a worker.

`MailSender` starts `python -m demo.mail` when the round begins. On PostgreSQL it relays
what is due at once and all along, as a worker sends mail after the commits that queue it.
SQLite lets one writer in at a time and the round is a chain of write transactions: a sender
beside it waited for the lock (and made the round wait for it), so there the second process
only gets ready and starts sending when the round is over. At the end both processes send
what is left until nothing is due (the last phases queue thousands of result letters at
once); the relay's claims make sure no message goes twice. Which messages there are and what
they say does not depend on when they are sent (the relay renders each from what its row
holds; held escalations wait for the sweep, never for the relay), so the round's counts are
the same either way.

The second process reads its orders from standard input: a line `go` starts it sending, the
end of input tells it to stop once nothing is due. It prints what it did as JSON.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
from collections import Counter
from types import TracebackType

from config.settings import Settings
from config.wiring import Wiring, utc_now, wire

# A relay pass takes at most this many messages, then looks whether it was told to stop.
PASS = 500
# With nothing due, the second process looks again after this many seconds.
IDLE_S = 0.2
GO = b"go\n"


def clear_folder(settings: Settings) -> None:
    """Remove the last run's `.eml` files, which would mix with this run's."""
    folder = settings.resolved_mail_folder()
    if not settings.smtp_host and folder.is_dir():
        for old in folder.glob("*.eml"):
            old.unlink()


def where(settings: Settings) -> str:
    """Where mail goes, for the report: the SMTP server or the folder of `.eml` files."""
    if settings.smtp_host:
        return f"smtp://{settings.smtp_host}:{settings.smtp_port}"
    return str(settings.resolved_mail_folder())


def sends_beside_the_round(dialect: str) -> bool:
    """Whether the second process may send while the round runs (not on SQLite: see above)."""
    return dialect != "sqlite"


def deliver_rest(wiring: Wiring, until: threading.Event | None = None) -> Counter[str]:
    """Send what is due, pass after pass, until a pass finds nothing to send once `until` is
    set (None: at the first such pass); what was sent."""
    from notifications.relay import relay

    transport = wiring.transport()
    results: Counter[str] = Counter()
    while True:
        stopping = until is None or until.is_set()  # asked before the pass it applies to
        done = relay(wiring.new_uow, transport, utc_now, wiring.settings, PASS)
        results.update(done)
        if not _moved(done):
            if stopping:
                return results
            assert until is not None
            until.wait(IDLE_S)


def _moved(done: Counter[str]) -> bool:
    """Whether a relay pass settled anything: a pass whose batches all failed (the database
    answered badly) would fail the same way again at once."""
    return any(outcome != "error" for outcome in done)


class MailSender:
    """The second process that sends the round's mail."""

    def __init__(self, *, beside_the_round: bool) -> None:
        # The same interpreter and environment, so the same settings (database, mail folder).
        self._process = subprocess.Popen(
            [sys.executable, "-m", "demo.mail"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        if beside_the_round:
            self._order(GO)

    def __enter__(self) -> MailSender:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process.poll() is None:  # the round failed: stop the sender, keep its error
            self._process.kill()
            self._process.wait()

    def finish(self, wiring: Wiring) -> Counter[str]:
        """Send what is left from both processes, until nothing is due; what both sent."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._order(GO)
        # The sender stops once a pass finds nothing due. A dead one's pipe is broken and the
        # `go` left in the buffer cannot be flushed: its exit status below says what happened.
        with contextlib.suppress(BrokenPipeError):
            self._process.stdin.close()
        sent = deliver_rest(wiring)
        out = self._process.stdout.read()
        if self._process.wait() != 0:
            raise RuntimeError(f"the demo's mail sender stopped with {self._process.returncode}")
        return sent + Counter(json.loads(out))

    def _order(self, line: bytes) -> None:
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(line)
            self._process.stdin.flush()
        except BrokenPipeError:  # it has died; `finish` says so
            pass


def _relay_when_told() -> None:
    """The second process: wait for `go`, relay what is due until standard input has closed
    and nothing is left; print the counts."""
    wiring = wire()
    go, stop = threading.Event(), threading.Event()

    def listen() -> None:
        for _line in sys.stdin.buffer:  # only `go` is ever written
            go.set()
        go.set()
        stop.set()

    threading.Thread(target=listen, daemon=True).start()
    go.wait()
    print(json.dumps(dict(deliver_rest(wiring, until=stop))))


if __name__ == "__main__":
    _relay_when_told()
