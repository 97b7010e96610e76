"""The demo's progress on the terminal: a bar per phase, named in the CLI's words, and on a
long run a line as each phase ends with its seconds.

Both go to stderr, so `--json` keeps stdout one document; with `--json` the bars are off and
only the lines (national scale) are written.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from cli import words

LABEL_CELLS = 18  # the widest phase's words (16 cells: a Chinese character takes two)


def phase_label(phase: str) -> str:
    """A phase of the demo (`qualification`, `mail`, …) by its words."""
    return words.say(f"demo_phase.{phase}")


class PhaseBars:
    """The callbacks DemoScenario reports to (`progress`, `phase_done`), drawn as bars."""

    def __init__(self, console: Console, *, shown: bool, lines: bool) -> None:
        self._console, self._lines = console, lines
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not shown,
            transient=True,
        )
        self._tasks: dict[str, TaskID] = {}
        self._totals: dict[str, int] = {}

    def __enter__(self) -> PhaseBars:
        self._bar.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._bar.stop()

    @property
    def tasks(self) -> list[Task]:
        """The bars so far: each phase's words, steps done and total."""
        return self._bar.tasks

    def progress(self, phase: str, done: int, total: int) -> None:
        """A phase's steps done of those known so far; no total yet shows a moving bar."""
        task = self._tasks.get(phase)
        if task is None:
            label = words.pad(phase_label(phase), LABEL_CELLS)
            task = self._tasks[phase] = self._bar.add_task(label, total=total or None)
        self._bar.update(task, completed=done, total=total or None)
        self._totals[phase] = total

    def phase_done(self, phase: str, seconds: float) -> None:
        """The phase's bar full (a phase of no counted steps shows one), and its line."""
        steps = self._totals.get(phase) or 1
        self.progress(phase, steps, steps)
        if self._lines:
            line = words.say("demo_phase", phase=phase_label(phase), seconds=f"{seconds:.1f}")
            # Through the bars' console, so the line is printed above them, not through them.
            self._console.print(line, markup=False, highlight=False, soft_wrap=True)

    @contextmanager
    def phase(self, phase: str) -> Iterator[None]:
        """A phase the command runs itself (the mail left to send, the report)."""
        started = time.perf_counter()
        self.progress(phase, 0, 0)
        yield
        self.phase_done(phase, time.perf_counter() - started)
