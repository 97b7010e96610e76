"""Prometheus metrics: request latency by route, and the operator's figures at scrape time.

Two kinds of figure (README "Metrics"):
* measured in a process — request latency here, relay send latency in the workers
  (`notifications/metrics.py`). Web runs several server processes and the workers are
  processes of their own, so with `PROMETHEUS_MULTIPROC_DIR` set each process writes its
  histograms to that folder and `/metrics` adds them all up (prometheus-client's
  multiprocess mode); unset, one process shows its own.
* counted from the database at scrape time — state changes, deadlines, the outbox
  (`workflow/queries/operations.py`): exact whichever process made them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import notifications.metrics  # noqa: F401  (its histogram is shown even before a send)
from config.prometheus import multiprocess_folder
from config.wiring import Wiring
from models.scheduling import FAILED, FIRED
from workflow.queries.operations import (
    OperationsFigures,
    StateChangeTally,
    operations_figures,
)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
UNMATCHED = "<unmatched>"  # a path no route took: never the raw path (unbounded labels)

REQUEST_SECONDS = Histogram(
    "honorflow_http_request_seconds",
    "Time to answer a request, by method and route template",
    ["method", "route", "status"],
)


class RequestTimer:
    """Times every HTTP request and labels it by the template of the route that took it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def noting_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            REQUEST_SECONDS.labels(
                method=scope["method"], route=route_template(scope), status=f"{status[0] // 100}xx"
            ).observe(time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The template of the route that answered (`/api/nominations/{nomination_id}`).

    The route object in the scope knows its path inside its router only (an included
    router's prefix is not part of it), so the prefix is read off the request's path: the
    part before the tail the route's own pattern matches.
    """
    route = scope.get("route")
    template, pattern = getattr(route, "path", None), getattr(route, "path_regex", None)
    if not template or pattern is None:
        return UNMATCHED
    path = str(scope.get("path", ""))
    root = str(scope.get("root_path", ""))
    if root and path.startswith(root):
        path = path[len(root) :]
    for cut, char in enumerate(path):
        if char == "/" and pattern.match(path[cut:]):
            return path[:cut] + str(template)
    return str(template)


def exposition(wiring: Wiring, now: datetime, tally: StateChangeTally) -> bytes:
    """The text Prometheus scrapes: every process's histograms, then the database's figures."""
    if multiprocess_folder():
        measured = CollectorRegistry()
        multiprocess.MultiProcessCollector(measured)  # type: ignore[no-untyped-call]
    else:
        measured = REGISTRY
    with wiring.new_uow(write=False) as uow:
        figures = operations_figures(uow, now, tally)
    counted = CollectorRegistry(auto_describe=False)
    counted.register(FiguresCollector(figures, now))
    return generate_latest(measured) + generate_latest(counted)


class FiguresCollector:
    """The database's figures as metric families."""

    def __init__(self, figures: OperationsFigures, now: datetime) -> None:
        self.figures, self.now = figures, now

    def collect(self) -> Iterator[Metric]:
        f = self.figures
        changes = CounterMetricFamily(
            "honorflow_state_changes", "Nomination state changes, by trigger", labels=["trigger"]
        )
        for trigger, count in sorted(f.state_changes.items()):
            changes.add_metric([trigger], count)
        yield changes
        yield from self._deadlines()
        outbox = GaugeMetricFamily(
            "honorflow_outbox_messages",
            "Outbox messages not yet settled, by status",
            labels=["status"],
        )
        for status, count in sorted(f.outbox.items()):
            outbox.add_metric([status], count)
        yield outbox
        age = (self.now - f.oldest_pending).total_seconds() if f.oldest_pending else 0.0
        yield GaugeMetricFamily(
            "honorflow_outbox_oldest_pending_seconds",
            "Age of the oldest pending outbox message (0 when none waits)",
            value=max(age, 0.0),
        )

    def _deadlines(self) -> Iterator[Metric]:
        due = GaugeMetricFamily(
            "honorflow_deadlines_due", "Pending deadlines already due, by kind", labels=["kind"]
        )
        for kind, count in sorted(self.figures.deadlines_due.items()):
            due.add_metric([kind], count)
        yield due
        fired = CounterMetricFamily(
            "honorflow_deadlines_fired", "Deadlines fired, by kind", labels=["kind"]
        )
        failed = GaugeMetricFamily(
            "honorflow_deadlines_failed", "Deadlines parked as failed, by kind", labels=["kind"]
        )
        by_status = GaugeMetricFamily(
            "honorflow_deadlines", "Deadlines by kind and status", labels=["kind", "status"]
        )
        for (kind, status), count in sorted(self.figures.deadlines.items()):
            by_status.add_metric([kind, status], count)
            if status == FIRED:
                fired.add_metric([kind], count)
            elif status == FAILED:
                failed.add_metric([kind], count)
        yield from (fired, failed, by_status)
