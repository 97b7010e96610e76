"""Hot-path statements run on the driver's own cursor, compiled once.

A state change sends eight or so small statements. Through `Session.execute` each also costs
SQLAlchemy's per-execution work (the compiled-cache lookup, an execution context, result
set-up): about 20 µs on SQLite and 70 µs on PostgreSQL per statement, measured beside the
driver's own `cursor.execute` — more than the database's work for most of them. `execute`
here compiles a Core statement once per engine and set of parameter names, then runs it on
the session's connection (inside its transaction, so all or nothing holds as before) with
SQLAlchemy's own bind processors. What SQLAlchemy would add on its own is refused when the
statement is prepared, never silently dropped: Python-side column defaults, an `IN` list
given per call (a statement's own `IN` list is written out once). `read` does the same for a
small Core read on the path, flushing what the session holds first as an ORM read would.

Kept from the full path: errors come as SQLAlchemy's exceptions (IntegrityError,
OperationalError: callers' handling is unchanged), a lost connection is invalidated, and the
engine's `before_cursor_execute`/`after_cursor_execute` listeners see every statement. Not
kept: the engine's own statement log (`echo`); a listener shows them when debugging.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, Connection, Delete, Insert, Select, Update, exc
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from models.uow import note_written

# A read of any columns (Select and CompoundSelect are generic in their columns' types).
Read = Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]
Statement = Insert | Update | Delete | Read
_Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Prepared:
    """A statement compiled for one dialect and set of parameter names."""

    sql: str
    # Bind names in the order the driver takes them (qmark), or None for named parameters.
    positions: tuple[str, ...] | None
    # For every parameter: its processor (the caller gives the value) or its fixed value.
    binds: tuple[tuple[str, _Fixed | _Processor | None], ...]
    # Processors for the RETURNING columns (None: the value as the driver gives it).
    results: tuple[_Processor | None, ...]


@dataclass(frozen=True)
class Written:
    """What a statement did: rows matched or inserted, and the rows it RETURNED (or read)."""

    rowcount: int
    rows: list[tuple[Any, ...]]

    def scalar_one(self) -> Any:
        """The one returned row's first column; anything else is a bug in the caller."""
        if len(self.rows) != 1:
            raise exc.NoResultFound if not self.rows else exc.MultipleResultsFound
        return self.rows[0][0]


# By statement, the engine's dialect (its settings, e.g. the JSON serializer, shape the
# processors), the names of the parameters given and whether for many rows. The statements
# are built once (module constants), so this stays small; the bound keeps a statement built
# per call, or a test process's many engines, from growing it without end.
_PREPARED: dict[tuple[Statement, Dialect, frozenset[str], bool], _Prepared] = {}
_MOST_PREPARED = 1000


def execute(session: Session, statement: Statement, params: Mapping[str, Any]) -> Written:
    """Run one write in the session's transaction (beginning it if needed), on the cursor."""
    connection = session.connection()
    prepared = _prepared(connection, statement, params, many=False)
    note_written(session)
    return _run(connection, prepared, _bound(prepared, params))


def execute_many(session: Session, statement: Statement, rows: Sequence[Mapping[str, Any]]) -> None:
    """Run one write for many rows (no RETURNING) in one driver call: psycopg pipelines them,
    sqlite3 steps one prepared statement. The rows must all name the same parameters."""
    if not rows:
        return
    connection = session.connection()
    prepared = _prepared(connection, statement, rows[0], many=True)
    if prepared.results:
        raise ValueError("execute_many takes no RETURNING: its rows would be lost")
    note_written(session)
    _run(connection, prepared, [_bound(prepared, row) for row in rows], many=True)


def read(session: Session, statement: Read, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of one Core read, its columns processed as SQLAlchemy would. What the session
    holds unwritten is flushed first (as an ORM read's autoflush would), so the read sees it."""
    if session.autoflush:
        session.flush()  # nothing to do, and next to no cost, when nothing is pending
    connection = session.connection()
    prepared = _prepared(connection, statement, params, many=False)
    return _run(connection, prepared, _bound(prepared, params)).rows


def _prepared(
    connection: Connection, statement: Statement, params: Mapping[str, Any], many: bool
) -> _Prepared:
    dialect = connection.dialect
    key = (statement, dialect, frozenset(params), many)
    prepared = _PREPARED.get(key)
    if prepared is None:
        if len(_PREPARED) >= _MOST_PREPARED:
            _PREPARED.clear()  # a statement built per call was passed: correct, only slow
        prepared = _PREPARED[key] = _prepare(statement, dialect, key[2], many)
    return prepared


def _prepare(
    statement: Statement, dialect: Dialect, names: frozenset[str], many: bool
) -> _Prepared:
    if isinstance(statement, Select | CompoundSelect):
        returning = tuple(statement.selected_columns)
    else:
        returning = tuple(statement.exported_columns)
    if isinstance(statement, Insert) and not returning:
        statement = statement.inline()  # no implicit RETURNING of the new id: nobody reads it
    compiled = statement.compile(dialect=dialect, column_keys=sorted(names), for_executemany=many)
    if compiled.insert_prefetch or compiled.update_prefetch:
        columns = [c.name for c in (*compiled.insert_prefetch, *compiled.update_prefetch)]
        raise ValueError(f"direct statement leaves Python-side defaults unset: {columns}")
    late = sorted(p.key for p in compiled.post_compile_params if p.key in names)
    if late:  # a list given per call (IN) would change the statement's text on every call
        raise ValueError(f"direct statement has IN lists given per call: {late}")
    if compiled.escaped_bind_names:
        escaped = sorted(compiled.escaped_bind_names)
        raise ValueError(f"direct statement has parameter names the driver cannot take: {escaped}")
    try:
        # The final text with the statement's own IN lists written out, and every parameter's
        # name, order and fixed value.
        expanded = compiled.construct_expanded_state(dict.fromkeys(names))
    except exc.InvalidRequestError as error:
        raise ValueError(f"direct statement needs parameters it was not given: {error}") from None
    binds: list[tuple[str, _Fixed | _Processor | None]] = []
    for name, fixed in expanded.parameters.items():
        process = expanded.processors.get(name) or _processor(compiled, name, dialect)
        if name in names:
            binds.append((name, process))
        else:  # the statement's own value: processed once, here
            binds.append((name, _Fixed(process(fixed) if process is not None else fixed)))
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in returning
    )
    positions = tuple(expanded.positiontup) if expanded.positiontup else None
    return _Prepared(expanded.statement, positions, tuple(binds), results)


@dataclass(frozen=True)
class _Fixed:
    """A value the statement carries itself (`.values(status="cancelled")`, `in_([...])`)."""

    value: Any


def _processor(compiled: Any, name: str, dialect: Dialect) -> _Processor | None:
    bind = compiled.binds.get(name)
    if bind is None:
        return None
    process: _Processor | None = bind.type.dialect_impl(dialect).bind_processor(dialect)
    return process


def _bound(prepared: _Prepared, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
    values: dict[str, Any] = {}
    for name, how in prepared.binds:
        if isinstance(how, _Fixed):
            values[name] = how.value
        else:
            values[name] = how(params[name]) if how is not None else params[name]
    if prepared.positions is None:
        return values
    return tuple(values[name] for name in prepared.positions)


def _run(connection: Connection, prepared: _Prepared, values: Any, many: bool = False) -> Written:
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    dispatch, sql = connection.dispatch, prepared.sql
    try:
        if dispatch.before_cursor_execute:
            dispatch.before_cursor_execute(connection, cursor, sql, values, None, many)
        if many:
            cursor.executemany(sql, values)
        else:
            cursor.execute(sql, values)
        if dispatch.after_cursor_execute:
            dispatch.after_cursor_execute(connection, cursor, sql, values, None, many)
        rows = cursor.fetchall() if prepared.results and cursor.description else []
        rowcount = cursor.rowcount
    except connection.dialect.loaded_dbapi.Error as error:
        raise _translated(connection, sql, values, cursor, error, many) from error
    finally:
        cursor.close()
    return Written(rowcount, [_processed(prepared.results, row) for row in rows])


def _processed(processors: tuple[_Processor | None, ...], row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(
        process(value) if process is not None else value
        for process, value in zip(processors, row, strict=False)
    )


def _translated(
    connection: Connection, sql: str, values: Any, cursor: Any, error: Any, many: bool
) -> exc.StatementError:
    """The driver's error as SQLAlchemy raises it; a lost connection is invalidated first."""
    dialect = connection.dialect
    if dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor):
        connection.invalidate(error)
    translated: exc.StatementError = exc.DBAPIError.instance(
        sql, values, error, dialect.loaded_dbapi.Error, dialect=dialect, ismulti=many
    )
    return translated


__all__ = ["Written", "execute", "execute_many", "read"]
