"""A sliding-window rate limiter kept in memory.

The counts live in this process only: with several web workers each counts on its own, so the
effective limit is the limit times the number of workers. That is enough to slow down password
guessing and objection spam from one client; a shared limiter (Redis) would be needed for more.
"""

from __future__ import annotations

import threading
import time
from collections import deque

LOGIN_LIMIT, LOGIN_WINDOW = 5, 5 * 60.0  # attempts per username and client address
PUBLIC_LIMIT, PUBLIC_WINDOW = 10, 60 * 60.0  # public objections per client address


class RateLimiter:
    """At most `limit` hits per key within any `window_seconds`; per process, thread-safe."""

    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> bool:
        """Count one hit; False (and not counted) when the key is over its limit."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= moment - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(moment)
            self._prune(moment)
            return True

    def reset(self) -> None:
        """Forget every count (for tests and after a restart of the window policy)."""
        with self._lock:
            self._hits.clear()

    def _prune(self, moment: float) -> None:
        # Drop keys whose hits have all expired, so memory stays bounded by recent clients.
        if len(self._hits) < 10_000:
            return
        stale = [k for k, v in self._hits.items() if not v or v[-1] <= moment - self.window]
        for key in stale:
            del self._hits[key]


def login_limiter() -> RateLimiter:
    """5 login attempts per username and client address in 5 minutes."""
    return RateLimiter(LOGIN_LIMIT, LOGIN_WINDOW)


def public_limiter() -> RateLimiter:
    """10 public objections per client address in an hour."""
    return RateLimiter(PUBLIC_LIMIT, PUBLIC_WINDOW)
