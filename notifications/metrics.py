"""The relay's own measure: how long the mail server takes per message, by outcome.

A histogram in the sending process; with `PROMETHEUS_MULTIPROC_DIR` set (README "Metrics")
every worker process writes it to that folder and the web's `/metrics` adds them up.
"""

from __future__ import annotations

from prometheus_client import Histogram

import config.prometheus  # noqa: F401  (first: how processes share the figures)

# From loopback (a few ms) to a slow remote server near the SMTP timeout.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

SEND_SECONDS = Histogram(
    "honorflow_relay_send_seconds",
    "Time the mail server took to take one outbox message, by outcome (sent, retry, failed)",
    ["outcome"],
    buckets=BUCKETS,
)


def observe_send(outcome: str, seconds: float) -> None:
    """Record one send attempt."""
    SEND_SECONDS.labels(outcome=outcome).observe(seconds)
