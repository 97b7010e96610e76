"""The Celery tasks: take ids (or nothing), reload, call one service. No logic of their own.

`now` (ISO 8601 with zone) lets a caller run a task at a simulated time; workers in
production leave it out and the real clock is used. What a task runs on (database, unit of
work with its publisher, transport) comes from the composition root, one per process.
"""

from __future__ import annotations

import logging
from typing import Any

from celery.utils.log import get_task_logger

from config.wiring import clock_at, for_process
from notifications import relay
from tasks.app import app
from workflow.services import audit_anchor, deadlines, decision_outcomes, digest

log = get_task_logger(__name__)


@app.task(name="honorflow.sweep_deadlines")
def sweep_deadlines(now: str | None = None) -> dict[str, Any]:
    """Fire every due deadline; safe to run twice or in parallel."""
    with for_process().new_uow() as uow:
        result = deadlines.sweep(uow, clock_at(now)())
    counts = {
        "fired": result.fired,
        "already_taken": result.already_taken,
        "errors": result.errors,
        "failed": result.failed,
        "summaries": result.summaries,
    }
    # A deadline that failed (or broke and waits for the next sweep) is an operator's business.
    level = logging.WARNING if result.failed or result.errors else logging.INFO
    log.log(level, "sweep fired %(fired)d, %(already_taken)d taken by another sweep, "
            "%(errors)d broke, %(failed)d failed, %(summaries)d escalation summaries",
            counts)  # fmt: skip
    return counts


@app.task(name="honorflow.send_message")
def send_message(message_id: int, now: str | None = None) -> str:
    """Send one outbox message if it is still waiting to be sent."""
    wiring = for_process()
    return relay.deliver(
        wiring.new_uow, message_id, wiring.transport(), clock_at(now), wiring.settings
    )


@app.task(name="honorflow.relay_outbox")
def relay_outbox(now: str | None = None) -> dict[str, int]:
    """Send whatever is still pending: lost publishes, retries after backoff, expired claims."""
    wiring = for_process()
    return dict(relay.relay(wiring.new_uow, wiring.transport(), clock_at(now), wiring.settings))


@app.task(name="honorflow.finish_decisions")
def finish_decisions(now: str | None = None) -> int:
    """Apply the outcomes a committee decision left when its process stopped between batches."""
    with for_process().new_uow() as uow:
        applied = decision_outcomes.finish_decisions(uow, clock_at(now)())
    if applied:  # only after a stop: an operator wants to know it happened
        log.warning("finished a stopped committee decision: %d outcomes applied", applied)
    return applied


@app.task(name="honorflow.queue_digests")
def queue_digests(now: str | None = None) -> int:
    """Queue today's reviewer digests for the campaigns that asked for them."""
    with for_process().new_uow() as uow:
        return digest.queue_daily_digests(uow, clock_at(now)())


@app.task(name="honorflow.anchor_audit")
def anchor_audit(now: str | None = None) -> int:
    """Write the audit chain's verified head to the anchor file, the log and the office."""
    wiring = for_process()
    with wiring.new_uow() as uow:
        return audit_anchor.anchor_chain(uow, wiring.settings, clock_at(now)()).seq
