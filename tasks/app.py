"""The Celery application: Redis in production, a broker in files when none is configured.

The database is the source of truth: a message lost by the broker is redone by the next
sweep or relay, so the embedded broker (kombu's filesystem transport, no server) is as
correct as Redis, only slower to react.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import Celery, signals
from celery.schedules import crontab

from config import logs, redact
from config.catalogue import msg
from config.settings import Settings, get_settings
from workflow.errors import NotReady

# Time limits stay well below the broker's visibility timeout, so a task still running is
# never handed to a second worker as if it had been lost.
VISIBILITY_TIMEOUT = 3600
TIME_LIMIT = 600
SOFT_TIME_LIMIT = 540


def broker_options(settings: Settings) -> tuple[str, dict[str, Any]]:
    """The broker URL and its transport options."""
    if settings.broker_url:
        return settings.broker_url, {"visibility_timeout": VISIBILITY_TIMEOUT}
    folder = Path(settings.data_dir).resolve() / "broker"
    for sub in ("queue", "processed"):
        make_folder(folder / sub)
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
    }
    return "filesystem://", options


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """Sweep deadlines, relay the outbox and finish stopped committee decisions every minute;
    the reviewers' digest each morning;
    the audit anchor once a day (unless `audit_anchor_hour` is empty)."""
    schedule: dict[str, dict[str, Any]] = {
        "sweep-deadlines": {"task": "honorflow.sweep_deadlines", "schedule": 60.0},
        "relay-outbox": {"task": "honorflow.relay_outbox", "schedule": 60.0},
        "finish-decisions": {"task": "honorflow.finish_decisions", "schedule": 60.0},
        "daily-digest": {
            "task": "honorflow.queue_digests",
            "schedule": crontab(hour=settings.digest_hour, minute=0),
        },
    }
    if settings.audit_anchor_hour is not None:
        daily = crontab(hour=settings.audit_anchor_hour, minute=30)
        schedule["audit-anchor"] = {"task": "honorflow.anchor_audit", "schedule": daily}
    return schedule


def make_app(settings: Settings) -> Celery:
    """A configured Celery app for these settings."""
    broker, options = broker_options(settings)
    app = Celery("honorflow", broker=broker, include=["tasks.jobs"])
    app.conf.update(
        broker_transport_options=options,
        broker_connection_retry_on_startup=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_time_limit=TIME_LIMIT,
        task_soft_time_limit=SOFT_TIME_LIMIT,
        task_ignore_result=True,
        # One queue name per deployment (or per test), so that workers sharing a Redis
        # server never take each other's tasks.
        task_default_queue=settings.task_queue,
        worker_prefetch_multiplier=1,
        # Events for Flower and `celery events`: what each worker runs, and what was sent.
        worker_send_task_events=True,
        task_send_sent_event=True,
        timezone="Asia/Shanghai",
        beat_schedule=beat_schedule(settings),
        beat_schedule_filename=str(schedule_file(settings)),
        # Writes to stdout/stderr stay writes: redirected, each write became a WARNING record,
        # a traceback one character per line.
        worker_redirect_stdouts=False,
    )
    return app


def make_folder(folder: Path) -> Path:
    """Make a folder a process needs, or say in one line why it cannot be made."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        problem = msg("error.folder_unusable", folder=str(folder), error=exc.strerror or str(exc))
        raise NotReady(problem) from None
    return folder


def schedule_file(settings: Settings) -> Path:
    """Where the beat keeps its schedule (the folder must exist: `honorflow beat` makes it)."""
    return Path(settings.data_dir).resolve() / "celerybeat-schedule"


@signals.setup_logging.connect  # type: ignore[untyped-decorator]
def _logging(loglevel: str | int | None = None, **_: Any) -> None:
    """The worker and the beat log as every process does (config/logs.py), not Celery's way."""
    logs.configure(get_settings().log_format, loglevel or "INFO")


# Every log line of a worker or the beat passes the scrubber: no URL password is printed.
redact.install(get_settings())
app = make_app(get_settings())
