"""How every process logs: one line per record, plain for people or JSON lines for collectors.

`HONORFLOW_LOG_FORMAT=json` (or `honorflow --log-format json …`) writes each record as one JSON
object; the default is one plain line. The web server, the worker and the beat all log through
`configure`, so uvicorn's and Celery's own lines take the same form. A traceback is kept in
the record (one JSON field, or indented lines after the plain line), never spread over
records: Celery's habit of turning every write to stderr into a WARNING record (one character
per line for a traceback) is switched off in `tasks/app.py`.

Fields worth filtering on are passed as `extra=` (see FIELDS): a send attempt carries the
outbox id, the message kind and the recipient's domain — never the full address.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["plain", "json"]
# The `extra=` keys a record may carry; JSON lines show them as fields, plain lines append them.
FIELDS = (
    "outbox_id",
    "outbox_ids",
    "kind",
    "domain",
    "outcome",
    "error",
    "deadline_id",
    "deadline_ids",
)
PLAIN = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, the FIELDS it carries."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: getattr(record, k) for k in FIELDS if hasattr(record, k)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """The classic line, with the record's FIELDS appended as key=value."""

    def __init__(self) -> None:
        super().__init__(PLAIN)

    def formatMessage(self, record: logging.LogRecord) -> str:
        fields = [f"{k}={getattr(record, k)}" for k in FIELDS if hasattr(record, k)]
        line = super().formatMessage(record)
        return f"{line} [{' '.join(fields)}]" if fields else line


def formatter(kind: LogFormat) -> logging.Formatter:
    """The formatter for a log format."""
    return JsonFormatter() if kind == "json" else PlainFormatter()


def configure(kind: LogFormat, level: str | int = "INFO") -> None:
    """Send every record of the process to stderr, one line (or JSON object) each."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(kind))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "celery"):
        # Their records go up to the root handler above, in the same form.
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
