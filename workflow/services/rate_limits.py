"""Rate limits that hold: moving windows by the `limits` library, kept where the settings say.

The storage is Redis when configured (`redis://…`: every web process of a deployment counts
together) or this process's memory (`memory://`: each process counts alone). Keys are the
SHA-256 of the account or address they count against, so the storage never holds a name.

Logins: only failures count, per account (whatever the address: guessing one account's
password) and per address (whatever the account: one address spraying passwords over many).
An account whose failures fill its window is locked; each further lockout doubles the period,
up to a maximum, and a successful login forgets the back-off. Unknown names are counted and
locked exactly like real ones, so a refusal never tells whether an account exists.

Public objections: per address (every attempt) and per nominee (every objection recorded).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from config.catalogue import msg
from config.display import instant
from models import User
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.errors import AuthenticationFailed, InvalidInput, TooManyAttempts
from workflow.services import accounts, users

# More lockouts than this in the back-off window all get the longest period anyway.
LOCKOUTS_KEPT = 64


@dataclass(frozen=True)
class Figures:
    """The deployment's limits (from the settings; see web/ratelimit.py)."""

    login_failures_per_account: int = 5
    login_failures_per_address: int = 10
    login_window: timedelta = timedelta(minutes=5)
    lockout: timedelta = timedelta(minutes=15)
    lockout_max: timedelta = timedelta(hours=24)
    objections_per_address: int = 10
    objections_per_nominee: int = 5
    objection_window: timedelta = timedelta(hours=1)
    challenge_validity: timedelta = timedelta(minutes=30)


def _item(count: int, window: timedelta, namespace: str) -> RateLimitItem:
    return RateLimitItemPerSecond(count, max(1, int(window.total_seconds())), namespace)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _account(username: str) -> str:
    return _digest(username.strip().casefold())


@dataclass
class Limiter:
    """The limits of one deployment over one storage (shared by the app's requests)."""

    storage_uri: str = "memory://"
    figures: Figures = field(default_factory=Figures)
    prefix: str = "honorflow"
    # Signs the objection form's questions; web/ratelimit.py passes the configured one.
    challenge_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def __post_init__(self) -> None:
        storage = storage_from_string(self.storage_uri, key_prefix=self.prefix)
        assert isinstance(storage, Storage), "a synchronous storage (memory://, redis://)"
        self.storage = storage
        self.windows = MovingWindowRateLimiter(self.storage)
        f = self.figures
        self.per_account = _item(f.login_failures_per_account, f.login_window, "login_account")
        self.per_address = _item(f.login_failures_per_address, f.login_window, "login_address")
        self.objection_address = _item(f.objections_per_address, f.objection_window, "obj_addr")
        self.objection_nominee = _item(f.objections_per_nominee, f.objection_window, "obj_nom")
        # Lockouts are remembered for twice the longest one: each in that window doubles the next.
        self.lockouts = _item(LOCKOUTS_KEPT, 2 * f.lockout_max, "lockouts")

    def key(self, *parts: str) -> str:
        """A storage key of this deployment (for counters outside a window: lockouts, proofs)."""
        return f"{self.prefix}:{':'.join(parts)}"

    def until(self, item: RateLimitItem, *identifiers: str) -> datetime:
        """When a full window lets its next hit in."""
        reset = self.windows.get_window_stats(item, *identifiers).reset_time
        return datetime.fromtimestamp(reset, UTC)


def too_many(until: datetime) -> TooManyAttempts:
    """The refusal of a used-up limit, saying until when (Beijing time, to the minute)."""
    rounded = (until + timedelta(seconds=59)).replace(second=0, microsecond=0)  # never too early
    return TooManyAttempts(msg("error.web.try_again_at", at=instant(rounded)))


def _lock_key(limiter: Limiter, account: str) -> str:
    return limiter.key("lock", account)


def locked_until(limiter: Limiter, username: str) -> datetime | None:
    """When the account's lockout ends, or None when it is not locked."""
    key = _lock_key(limiter, _account(username))
    if limiter.storage.get(key) <= 0:
        return None
    return datetime.fromtimestamp(limiter.storage.get_expiry(key), UTC)


def _lock(limiter: Limiter, account: str) -> None:
    """Lock the account for the base period doubled once per lockout in the back-off window."""
    f = limiter.figures
    limiter.windows.hit(limiter.lockouts, account)
    stats = limiter.windows.get_window_stats(limiter.lockouts, account)
    level = limiter.lockouts.amount - stats.remaining  # this lockout included
    period = min(f.lockout * 2 ** min(level - 1, 30), f.lockout_max)
    limiter.storage.incr(_lock_key(limiter, account), max(1, int(period.total_seconds())))
    limiter.windows.clear(limiter.per_account, account)  # a fresh allowance once it ends


def _failed(limiter: Limiter, account: str, address: str) -> None:
    limiter.windows.hit(limiter.per_address, address)
    limiter.windows.hit(limiter.per_account, account)
    if not limiter.windows.test(limiter.per_account, account):
        _lock(limiter, account)


def login(
    uow: UnitOfWork, limiter: Limiter, username: str, password: str, address: str, now: datetime
) -> User:
    """Check a password within the login limits: per account with lockout, and per address.

    TooManyAttempts (saying until when) while the account is locked or the address has used
    up its failures — the password is then not even checked; AuthenticationFailed, counted
    against both, when the name or the password is wrong.
    """
    account, where = _account(username), _digest(address)
    if not limiter.windows.test(limiter.per_address, where):
        raise too_many(limiter.until(limiter.per_address, where))
    ends = locked_until(limiter, username)
    if ends is not None:
        raise too_many(ends)
    try:
        user = users.authenticate(uow, username, password, now)
    except AuthenticationFailed:
        _failed(limiter, account, where)
        raise
    limiter.windows.clear(limiter.lockouts, account)  # the back-off is forgiven
    return user


def admit_objection(limiter: Limiter, address: str) -> None:
    """Count one public objection attempt from an address; TooManyAttempts when none is left."""
    where = _digest(address)
    if not limiter.windows.hit(limiter.objection_address, where):
        raise too_many(limiter.until(limiter.objection_address, where))


def admit_for_nominee(limiter: Limiter, nomination_id: int) -> None:
    """Count one public objection to a nominee; TooManyAttempts when the nominee has had many."""
    if not limiter.windows.hit(limiter.objection_nominee, str(nomination_id)):
        raise too_many(limiter.until(limiter.objection_nominee, str(nomination_id)))


def change_password(
    uow: UnitOfWork,
    limiter: Limiter,
    actor: Actor,
    passwords: tuple[str, str],
    address: str,
    now: datetime,
    keep_session: str | None = None,
) -> accounts.Ended:
    """A person's password change within the login limits: a wrong old password counts as a
    failed login of the account (and of the address), so the form cannot be used to guess it."""
    assert actor.user_id is not None and actor.username is not None
    account, where = _account(actor.username), _digest(address)
    if not limiter.windows.test(limiter.per_address, where):
        raise too_many(limiter.until(limiter.per_address, where))
    ends = locked_until(limiter, actor.username)
    if ends is not None:
        raise too_many(ends)
    old, new = passwords
    try:
        return accounts.change_password(uow, actor.user_id, old, new, actor, now, keep_session)
    except InvalidInput as wrong:
        if wrong.field == "old_password":
            _failed(limiter, account, where)
        raise
