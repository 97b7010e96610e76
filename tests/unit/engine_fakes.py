"""Fakes the engine-message tests share: a session answering from queues, a step, fixed times."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
DAY_END = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)


class Rows:
    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def unique(self) -> Rows:
        return self

    def all(self) -> list[Any]:
        return self.rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)


@dataclass
class FakeSession:
    """Answers `scalar`, `scalars` and `execute` from queues, in the order the code asks."""

    scalar_answers: list[Any] = field(default_factory=list)
    scalars_answers: list[list[Any]] = field(default_factory=list)
    execute_answers: list[list[Any]] = field(default_factory=list)

    def execute(self, query: Any, params: Any = None) -> Rows:
        return Rows(self.execute_answers.pop(0))

    def scalar(self, query: Any, params: Any = None) -> Any:
        return self.scalar_answers.pop(0)

    def scalars(self, query: Any, params: Any = None) -> Rows:
        return Rows(self.scalars_answers.pop(0))

    @contextmanager
    def begin_nested(self) -> Iterator[None]:
        yield


@dataclass
class FakeUow:
    session: FakeSession
    dialect: str = "sqlite"


def fake_step(session: FakeSession, **nomination: Any) -> Any:
    row = SimpleNamespace(id=1, campaign_id=1, unit_id=1, status="public_notice", **nomination)
    definition = SimpleNamespace(
        stage=lambda stage_id: SimpleNamespace(
            id=stage_id, duration_days=5, completion=SimpleNamespace(rule="all_clear", quorum=None)
        )
    )
    return SimpleNamespace(uow=FakeUow(session), nomination=row, definition=definition, now=NOW)
