"""A proof that a person is there, with no outside service: a signed sum to work out.

The server draws two small numbers and hands out a token `nonce.issued.mac`, where the mac is
an HMAC (under the deployment's challenge key) of the notice it is for, the nonce, the time it
was issued and the answer — so the answer travels nowhere and cannot be forged without the
key. The form shows the question; a person types the sum, which works without JavaScript.
A token is good once (its nonce is counted in the limiter's storage on every try, right or
wrong, so one token never buys a second guess) and only within its validity.

This stops programs that fill forms blindly, not one written against this page; the limits
per address and per nominee bound what such a program can do.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from config.catalogue import Message, msg
from workflow.errors import ProofRefused
from workflow.services import rate_limits
from workflow.services.rate_limits import Limiter

# A token issued later than now by more than this was not issued by us (clocks drift a little).
SKEW = timedelta(minutes=1)


@dataclass(frozen=True)
class Challenge:
    """A question for the objection form and the token that proves its answer."""

    token: str
    first: int
    second: int
    expires_at: datetime

    @property
    def question(self) -> Message:
        """The question, in the catalogue's words."""
        return msg("page.challenge_question", a=self.first, b=self.second)


def _mac(key: bytes, scope: str, nonce: str, issued: int, answer: int) -> str:
    data = f"{scope}|{nonce}|{issued}|{answer}".encode()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def issue(limiter: Limiter, scope: str, now: datetime) -> Challenge:
    """A fresh challenge for `scope` (the notice's campaign code)."""
    first, second = secrets.randbelow(40) + 10, secrets.randbelow(9) + 1
    nonce, issued = secrets.token_urlsafe(12), int(now.timestamp())
    mac = _mac(limiter.challenge_key, scope, nonce, issued, first + second)
    expires = datetime.fromtimestamp(issued, UTC) + limiter.figures.challenge_validity
    return Challenge(f"{nonce}.{issued}.{mac}", first, second, expires)


def _refused(code: str) -> ProofRefused:
    return ProofRefused(msg(f"error.web.challenge_{code}"))


def check(limiter: Limiter, scope: str, token: str, answer: str, now: datetime) -> None:
    """Accept a token once, within its validity, with the right answer; else ProofRefused."""
    if not token.strip() or not answer.strip():
        raise _refused("missing")
    nonce, _, rest = token.strip().partition(".")
    issued_text, _, mac = rest.partition(".")
    if not (nonce and mac and issued_text.isascii() and issued_text.isdigit()) or len(rest) > 90:
        raise _refused("wrong")
    issued = datetime.fromtimestamp(int(issued_text), UTC)
    validity = limiter.figures.challenge_validity
    if issued > now + SKEW:
        raise _refused("wrong")
    if issued + validity < now:
        raise _refused("expired")
    used = limiter.key("challenge", hashlib.sha256(nonce.encode()).hexdigest())
    if limiter.storage.incr(used, int(validity.total_seconds() + SKEW.total_seconds())) > 1:
        raise _refused("used")
    try:
        number = int(answer.strip())
    except ValueError:
        raise _refused("wrong") from None
    expected = _mac(limiter.challenge_key, scope, nonce, int(issued_text), number)
    if not hmac.compare_digest(expected, mac):
        raise _refused("wrong")


def admit(
    limiter: Limiter,
    scope: str,
    address: str,
    nomination_id: int,
    proof: tuple[str, str],
    now: datetime,
) -> None:
    """Let one public objection through: the address's limit (every attempt counts), the
    proof (token, answer), then the nominee's limit (only proven objections count)."""
    rate_limits.admit_objection(limiter, address)
    check(limiter, scope, proof[0], proof[1], now)
    rate_limits.admit_for_nominee(limiter, nomination_id)
