"""Running child processes as one: when one stops, the others are stopped, and the exit code
says whether that was asked for (a signal) or not (a child died)."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

# How long a child may take to finish its work after being asked to stop.
GRACE_S = 20.0
POLL_S = 0.2


@dataclass
class Child:
    """A command run as a child process."""

    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None


def supervise(
    children: list[Child],
    on_start: Callable[[list[Child]], None],
    on_death: Callable[[Child, int], None],
) -> int:
    """Start every child, wait until one stops, stop the rest; 0 if asked to stop, else the
    code of the child that died (128 + N if killed by signal N, 1 if it exited with 0)."""
    asked: list[int] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        asked.append(signum)
        _signal_all(children, signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    for child in children:
        child.process = subprocess.Popen(child.command)
    on_start(children)
    while True:
        for child in children:
            assert child.process is not None
            code = child.process.poll()
            if code is None:
                continue
            _stop_all(children)
            if asked:
                return 0
            on_death(child, code)
            return code if code > 0 else 128 - code if code < 0 else 1
        time.sleep(POLL_S)


def _signal_all(children: list[Child], signum: int) -> None:
    for child in children:
        if child.process is not None and child.process.poll() is None:
            child.process.send_signal(signum)


def _stop_all(children: list[Child]) -> None:
    """SIGTERM the children still running (Celery's warm shutdown), SIGKILL them after GRACE_S."""
    _signal_all(children, signal.SIGTERM)
    for child in children:
        assert child.process is not None
        try:
            child.process.wait(timeout=GRACE_S)
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()
