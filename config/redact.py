"""Secrets never printed: URLs shown without their passwords, and every log line scrubbed.

`mask_url` is the one way to show a database, broker, rate-limit or SMTP address. `install`
makes every log record of the process (any logger, any handler, Celery's and uvicorn's too)
and any traceback left uncaught pass through `scrub` first, so a password that reached an
error message by some other road is still replaced by `***`.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

if TYPE_CHECKING:
    from config.settings import Settings

MASK = "***"
# scheme://user:password@host — the password is whatever runs up to the last '@' of the netloc.
_CREDENTIALS = re.compile(r"(?P<head>\b[a-zA-Z][\w+.-]*://[^\s:/@]*:)(?P<secret>[^\s@/]+)(?=@)")


def mask_url(url: str | None) -> str:
    """The URL with its password replaced by `***` (database, Redis, SMTP or any other)."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL at all: fall back to the pattern
        return _CREDENTIALS.sub(lambda m: m["head"] + MASK, url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{host}"))


def secrets_of(settings: Settings) -> list[str]:
    """Every secret the settings hold: URL passwords (as written and decoded), keys, tokens."""
    found: list[str] = []
    urls = (settings.database_url, settings.broker_url, settings.rate_limit_storage)
    for url in urls:
        password = _password(url)
        if password:
            found += [password, unquote(password), quote(unquote(password), safe="")]
    plain = [settings.smtp_password, *(_revealed(s) for s in _secret_fields(settings))]
    found += [value for value in plain if value]
    # Longest first, so a secret containing another is replaced whole; short ones are noise.
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


def _password(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url).netloc.rpartition("@")[0].partition(":")[2] or None
    except ValueError:
        return None


def _secret_fields(settings: Settings) -> Iterable[Any]:
    yield settings.audit_key
    yield settings.challenge_key
    yield settings.metrics_token
    yield from settings.audit_keys_old


def _revealed(value: Any) -> str | None:
    if value is None:
        return None
    reveal = getattr(value, "get_secret_value", None)
    return str(reveal()) if reveal is not None else str(value)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with URL passwords and the given secrets replaced by `***`."""
    text = _CREDENTIALS.sub(lambda m: m["head"] + MASK, text)
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def secrets_of_environment(environ: Mapping[str, str]) -> list[str]:
    """Secrets in HONORFLOW_* variables as they are, valid or not (a bad setting's error
    message quotes its value): passwords, keys, tokens, and URL passwords."""
    found: list[str] = []
    for name, value in environ.items():
        if not name.startswith("HONORFLOW_") or not value:
            continue
        if any(word in name for word in _SECRET_WORDS):
            found.append(value)
        password = _password(value) if "://" in value else None
        if password:
            found += [password, unquote(password)]
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


_SECRET_WORDS = ("PASSWORD", "TOKEN", "KEY", "SECRET")


def install(settings: Settings | None, environ: Mapping[str, str] | None = None) -> None:
    """Scrub every log record this process makes, and any traceback it dies with."""
    found = secrets_of(settings) if settings is not None else []
    found += secrets_of_environment(os.environ if environ is None else environ)
    secrets = sorted(set(found), key=len, reverse=True)
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_honorflow_scrubs", False):
        return  # once per process: the factory would otherwise wrap itself

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _scrub_record(record, secrets)
        return record

    factory._honorflow_scrubs = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
    hook = sys.excepthook

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        import traceback

        shown = "".join(traceback.format_exception(kind, exc, tb))
        sys.stderr.write(scrub(shown, secrets))

    if hook is sys.__excepthook__:
        sys.excepthook = excepthook


def _scrub_record(record: logging.LogRecord, secrets: list[str]) -> None:
    """Scrub the record's message and arguments in place (formatters such as uvicorn's read the
    arguments themselves), and its traceback now, as formatters cache it in `exc_text`."""
    if isinstance(record.msg, str):
        record.msg = scrub(record.msg, secrets)
    if isinstance(record.args, tuple):
        record.args = tuple(_scrub_value(a, secrets) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _scrub_value(v, secrets) for k, v in record.args.items()}
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = scrub(logging.Formatter().formatException(record.exc_info), secrets)


def _scrub_value(value: Any, secrets: list[str]) -> Any:
    """A string scrubbed; anything else as it is, unless its text shows a secret."""
    if isinstance(value, int | float) or value is None:
        return value
    shown = value if isinstance(value, str) else str(value)
    cleaned = scrub(shown, secrets)
    return value if cleaned == shown else cleaned
