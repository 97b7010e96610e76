"""A unit of work knows whether it writes: on SQLite a reader begins with a plain deferred BEGIN,
a writer with BEGIN IMMEDIATE, and a reader that must write does so in a write transaction of
its own; a request's use case ends at its commit."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, Table, event, insert, text
from sqlalchemy.orm import Session, sessionmaker

from models import direct
from models.db import make_engine, make_session_factory
from models.uow import UnitOfWork


def logged(tmp_path: Path) -> tuple[sessionmaker[Session], list[str]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'modes.sqlite3'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _log(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    return make_session_factory(engine), statements


def test_a_reader_takes_no_lock_and_writes_in_a_transaction_of_its_own(tmp_path: Path) -> None:
    sf, statements = logged(tmp_path)
    with UnitOfWork(sf, write=False) as uow:
        uow.session.execute(text("SELECT 1"))
        with uow.writing():
            uow.session.execute(text("INSERT INTO t VALUES (1)"))
            uow.commit()
        uow.session.execute(text("SELECT 2"))
    assert statements == [
        "BEGIN", "SELECT 1", "BEGIN IMMEDIATE", "INSERT INTO t VALUES (1)", "BEGIN", "SELECT 2",
    ]  # fmt: skip


def test_a_writer_reads_without_the_lock_only_when_asked(tmp_path: Path) -> None:
    sf, statements = logged(tmp_path)
    with UnitOfWork(sf) as uow:
        with uow.reading():
            uow.session.execute(text("SELECT 1"))
        uow.session.execute(text("INSERT INTO t VALUES (1)"))
        uow.commit()
        uow.session.execute(text("SELECT 2"))
    assert statements == [
        "BEGIN", "SELECT 1", "BEGIN IMMEDIATE", "INSERT INTO t VALUES (1)", "BEGIN IMMEDIATE",
        "SELECT 2",
    ]  # fmt: skip


def test_a_requests_use_case_ends_at_its_commit(tmp_path: Path) -> None:
    sf, statements = logged(tmp_path)
    with UnitOfWork(sf, reads_after_commit=True) as uow:
        uow.session.execute(text("INSERT INTO t VALUES (1)"))
        uow.commit()
        uow.session.execute(text("SELECT x FROM t"))
        uow.end_read()  # the answer's read ends here, not when the block is left
        assert not uow.session.in_transaction()
    assert statements == ["BEGIN IMMEDIATE", "INSERT INTO t VALUES (1)", "BEGIN", "SELECT x FROM t"]


def test_a_write_on_the_drivers_cursor_is_left_to_the_block_like_any_write(
    tmp_path: Path,
) -> None:
    sf, _statements = logged(tmp_path)
    table = Table("t", MetaData(), Column("x", Integer))
    with UnitOfWork(sf, write=False) as uow:
        with uow.writing():
            direct.execute(uow.session, insert(table), {"x": 1})
        uow.end_read()  # ends only a transaction that read: this one wrote
        assert uow.session.in_transaction()
    with sf() as session:  # the block ended without a commit: nothing was kept
        assert session.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
