"""Where one state change's client CPU goes, phase by phase, and what it sends to the database.

Used by `bench_transitions.py --phases`. Each phase is a function of the state-change path,
wrapped for the run to add up the process's CPU time (`time.process_time`, so the figure holds
on a machine other work shares) spent inside it; phases nest (`apply` holds the others but the
lock and the commit). Statements are counted with `before_cursor_execute`, transaction ends
with the engine's `begin`/`commit` events: on PostgreSQL each is a round trip.
"""

from __future__ import annotations

import functools
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event

import workflow.lifecycles.review_task
import workflow.stages.tasks
import workflow.step
from workflow import audit
from workflow.services import transitions

# (module, function, label): the path `begin_review` takes, outermost first.
PHASES: tuple[tuple[Any, str, str], ...] = (
    (transitions, "lock_nomination", "lock the nomination (ORM load, 3 joins)"),
    (transitions, "apply", "apply: guards, machine, effects, audit"),
    (workflow.step, "load_calendar", "  calendar read (and the autoflush before it)"),
    (workflow.lifecycles.review_task, "open_tasks", "  task insert"),
    (workflow.stages.tasks, "_schedule_task_deadlines", "  deadline inserts"),
    (workflow.stages.tasks, "queue_messages", "  outbox insert"),
    (audit, "append", "  audit append (head, event, head)"),
    (transitions, "commit", "commit (ORM flush and COMMIT)"),
)


@dataclass(frozen=True)
class Phases:
    changes: int
    cpu_ms: float  # per change, the whole loop
    by_phase: list[tuple[str, float]]  # label, CPU ms per change
    statements: float  # per change
    round_trips: float  # statements + BEGIN + COMMIT, per change


@contextmanager
def _timed_phases(spent: defaultdict[str, float]) -> Iterator[None]:
    originals = [(module, name, getattr(module, name)) for module, name, _ in PHASES]
    labels = {name: label for _, name, label in PHASES}
    for module, name, original in originals:
        setattr(module, name, _timing(original, labels[name], spent))
    try:
        yield
    finally:
        for module, name, original in originals:
            setattr(module, name, original)


def _timing(
    func: Callable[..., Any], label: str, spent: defaultdict[str, float]
) -> Callable[..., Any]:
    @functools.wraps(func)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - start

    return timed


def measure_phases(engine: Engine, run: Callable[[], None], changes: int) -> Phases:
    """Run `run` (which makes `changes` state changes) with every phase timed and counted."""
    spent: defaultdict[str, float] = defaultdict(float)
    sent: Counter[str] = Counter()

    def statement(*_: Any) -> None:
        sent["statement"] += 1

    def begin(*_: Any) -> None:
        sent["begin"] += 1

    def commit(*_: Any) -> None:
        sent["commit"] += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", begin)
    event.listen(engine, "commit", commit)
    try:
        with _timed_phases(spent):
            start = time.process_time()
            run()
            cpu = time.process_time() - start
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "begin", begin)
        event.remove(engine, "commit", commit)
    per = 1000 / changes
    return Phases(
        changes,
        cpu * per,
        [(label, spent[label] * per) for _, _, label in PHASES],
        sent["statement"] / changes,
        (sent["statement"] + sent["begin"] + sent["commit"]) / changes,
    )


def print_phases(kind: str, phases: Phases) -> None:
    print(f"\nClient CPU per state change on {kind}, by phase ({phases.changes} changes)")
    print(f"{'whole change':<48} {phases.cpu_ms:>7.3f} ms")
    for label, ms in phases.by_phase:
        print(f"{label:<48} {ms:>7.3f} ms")
    print(
        f"statements per change: {phases.statements:.1f}; with BEGIN and COMMIT (round trips"
        f" on PostgreSQL): {phases.round_trips:.1f}"
    )
