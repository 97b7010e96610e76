"""Prometheus's multiprocess mode, set up before any metric is made (README "Metrics").

With `PROMETHEUS_MULTIPROC_DIR` set, every process writes its histograms to files in that
folder, named by a process identifier. prometheus-client's default identifier is the pid,
but web and workers in containers of their own share the folder and may share pids too
(each container counts from 1): two processes writing one file would corrupt it. So the
identifier is the host name (the container's) and the pid. Import this module before
making a metric: `notifications/metrics.py` and `web/metrics.py` do.
"""

from __future__ import annotations

import os
import socket

from prometheus_client import values

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
_HOST = socket.gethostname().replace("_", "-")  # '_' separates the parts of the file names


def process_identifier() -> str:
    """This process among all that write the folder: host and pid."""
    return f"{_HOST}-{os.getpid()}"


def multiprocess_folder() -> str | None:
    """The shared folder, when several processes' figures are to be added up."""
    return os.environ.get(MULTIPROC_DIR) or None


if multiprocess_folder():
    values.ValueClass = values.MultiProcessValue(process_identifier)  # type: ignore[no-untyped-call]
