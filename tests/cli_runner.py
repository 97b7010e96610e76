"""The `honorflow` command run for tests: in this process (fast) or as a real process.

`invoke` calls the console script's own entry point (`cli.main:main`, the function
`python -m cli.main` and the installed `honorflow` run) inside the test process, the way a
fresh process would run it, and answers with the `subprocess.CompletedProcess` a subprocess
would give: `returncode`, `stdout` and `stderr` as text. `spawn` starts the real process;
tests whose point is the process itself (signals, exit status of the interpreter, standard
input, what really reaches the output streams) use it.

For the length of one `invoke`, what a fresh process would have is put in place and what the
command changes in the process is put back afterwards:

- the environment is exactly the one given (as `subprocess.run(env=...)` gives it), the
  working folder is `cwd`, `sys.argv` is what `python -m cli.main ARGS` sees, and `__main__`
  looks like `cli.main` run with `-m` (click names the program from it in usage lines);
- standard input, output and error are new UTF-8 streams that are not terminals (as pipes
  are): input holds `stdin` (empty: end of file at once), and the output is decoded as
  `subprocess.run(text=True)` decodes it;
- settings are read again (`get_settings` is cached per process) and so is the workers'
  wiring (`wiring.for_process`);
- logging starts as in a fresh process (no handler on the root logger, its level WARNING, no
  logger disabled, no scrubbing record factory, the default exception hook): the command's
  `logs.configure` and `redact.install` act on their own, and what they change in the
  loggers that existed, the record factory and the hook is undone afterwards;
- warnings follow Python's default filters and are printed on standard error (pytest's own
  recording is set aside for the call);
- the per-process caches a definition fills (parsed definitions, state machines, the labels
  of a definition's own codes) and the loaded calendar years start empty, and the test
  process's own are given back afterwards;
- every database engine the command connects with is disposed of, as the process's exit
  would close its connections.

A command that would hand messages to a Celery broker is refused in process: the Celery app
is made once per process, from the settings of whoever imported `tasks.app` first.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import types
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

import cli.main as entry
from config import catalogue, wiring
from config.settings import Settings, get_settings
from workflow import calendar_store, machine, versions

CLI_MAIN = Path(entry.__file__).resolve()
COMMAND = [sys.executable, "-m", "cli.main"]
# Python's own filters at start-up, without -W or PYTHONWARNINGS (`python -c 'import
# warnings; print(warnings.filters)'`), last applied first.
DEFAULT_WARNING_FILTERS: tuple[tuple[str, type[Warning], str], ...] = (
    ("default", DeprecationWarning, "__main__"),
    ("ignore", DeprecationWarning, ""),
    ("ignore", PendingDeprecationWarning, ""),
    ("ignore", ImportWarning, ""),
    ("ignore", ResourceWarning, ""),
)


def spawn(
    args: Sequence[str],
    env: Mapping[str, str],
    cwd: Path | str,
    stdin: str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`python -m cli.main ARGS` as a real process."""
    return subprocess.run(
        [*COMMAND, *args],
        env=dict(env),
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def invoke(
    args: Sequence[str], env: Mapping[str, str], cwd: Path | str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """`python -m cli.main ARGS` run in this process as a fresh process would run it."""
    refuse_a_broker(env)
    streams = Streams(stdin)
    with contextlib.ExitStack() as stack:
        stack.enter_context(environment(env))
        stack.enter_context(contextlib.chdir(cwd))
        stack.enter_context(process_identity(args))
        stack.enter_context(streams.installed())
        stack.enter_context(fresh_logging())
        stack.enter_context(default_warnings())
        stack.enter_context(fresh_caches())
        stack.enter_context(engines_disposed())
        returncode = run_main()
    return subprocess.CompletedProcess([*COMMAND, *args], returncode, *streams.read())


def run_main() -> int:
    """The entry point's exit status, as the interpreter would report it."""
    try:
        entry.main()
    except SystemExit as exc:
        return exit_status(exc.code)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # uncaught: the (command's) exception hook prints it, status 1
        tb = exc.__traceback__
        sys.excepthook(type(exc), exc, tb.tb_next if tb is not None else None)  # from main()
        return 1
    return 0


def exit_status(code: Any) -> int:
    """What `sys.exit(code)` leaves as the process's status."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def refuse_a_broker(env: Mapping[str, str]) -> None:
    """A command that would publish to a broker must run as a process (see the module)."""
    with environment(env):
        try:
            settings: Settings | None = Settings()
        except Exception:  # bad settings: the command itself says so
            settings = None
    if settings is not None and wiring.publisher(settings) is not None:
        raise AssertionError(
            "this command would publish to a Celery broker: run it with cli_runner.spawn"
        )


@contextlib.contextmanager
def environment(env: Mapping[str, str]) -> Iterator[None]:
    """os.environ exactly `env` inside the block."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def process_identity(args: Sequence[str]) -> Iterator[None]:
    """sys.argv and __main__ as `python -m cli.main ARGS` has them."""
    saved_argv, saved_main = sys.argv, sys.modules["__main__"]
    main = types.ModuleType("__main__")
    main.__package__ = "cli"
    main.__file__ = str(CLI_MAIN)
    sys.argv = [str(CLI_MAIN), *args]
    sys.modules["__main__"] = main
    try:
        yield
    finally:
        sys.argv = saved_argv
        sys.modules["__main__"] = saved_main


class Streams:
    """Standard input, output and error of one call: UTF-8, not terminals (like pipes)."""

    def __init__(self, stdin: str) -> None:
        self.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8")
        self.stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
        self.stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        names = ("stdin", "stdout", "stderr", "__stdin__", "__stdout__", "__stderr__")
        saved = {name: getattr(sys, name) for name in names}
        for name in names:  # __stdout__ too: terminal sizes are read from it
            setattr(sys, name, getattr(self, name.strip("_")))
        try:
            yield
        finally:
            for name, stream in saved.items():
                setattr(sys, name, stream)

    def read(self) -> tuple[str, str]:
        """Both outputs as `subprocess.run(text=True)` reads them (universal newlines)."""
        return self._text(self.stdout), self._text(self.stderr)

    @staticmethod
    def _text(stream: io.TextIOWrapper) -> str:
        stream.flush()
        raw = stream.buffer.getvalue()  # type: ignore[attr-defined]
        return io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", newline=None).read()


@contextlib.contextmanager
def fresh_logging() -> Iterator[None]:
    """Logging as a new process has it; every logger, the record factory and the exception
    hook as they were afterwards."""
    manager = logging.root.manager
    existing = [
        logger for logger in manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    saved = {
        logger: (logger.handlers[:], logger.level, logger.propagate, logger.disabled)
        for logger in [logging.root, *existing]
    }
    saved_disable = manager.disable
    saved_factory = logging.getLogRecordFactory()
    saved_hook = sys.excepthook
    logging.root.handlers.clear()
    logging.root.setLevel(logging.WARNING)
    logging.disable(logging.NOTSET)
    for logger in existing:  # only logging.config disables loggers; no command calls it
        logger.disabled = False
    logging.setLogRecordFactory(logging.LogRecord)
    sys.excepthook = sys.__excepthook__
    try:
        yield
    finally:
        sys.excepthook = saved_hook
        logging.setLogRecordFactory(saved_factory)
        logging.disable(saved_disable)
        for logger, (handlers, level, propagate, disabled) in saved.items():
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate, logger.disabled = propagate, disabled
        # Loggers made during the call are left as their modules made them (weasyprint's
        # NullHandler, say): those modules stay imported. The only loggers a command changes
        # (`logs.configure`: uvicorn's and celery's) it leaves as new loggers are.


@contextlib.contextmanager
def default_warnings() -> Iterator[None]:
    """Python's default warning filters, each warning printed on (the call's) stderr."""

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))

    with warnings.catch_warnings():
        warnings.resetwarnings()
        for action, category, module in DEFAULT_WARNING_FILTERS:
            warnings.filterwarnings(action, category=category, module=module, append=True)  # type: ignore[arg-type]
        options = [o for o in os.environ.get("PYTHONWARNINGS", "").split(",") if o]
        warnings._processoptions(options)  # type: ignore[attr-defined]
        warnings.showwarning = show
        yield


@contextlib.contextmanager
def fresh_caches() -> Iterator[None]:
    """Empty per-process caches for the call; this process's own given back afterwards."""
    tables: list[dict[Any, Any]] = [versions._PARSED, machine._CACHE, catalogue._DEFINED_LABELS]
    saved_tables = [dict(table) for table in tables]
    saved_years = calendar_store._current
    for table in tables:
        table.clear()
    calendar_store._current = calendar_store.LoadedYears((), types.MappingProxyType({}))
    get_settings.cache_clear()
    wiring.for_process.cache_clear()
    try:
        yield
    finally:
        get_settings.cache_clear()
        wiring.for_process.cache_clear()
        calendar_store._current = saved_years
        for table, saved in zip(tables, saved_tables, strict=True):
            table.clear()
            table.update(saved)


@contextlib.contextmanager
def engines_disposed() -> Iterator[None]:
    """Every engine the call connects with, disposed of when it ends (as at a process exit)."""
    engines: list[Engine] = []

    def connected(connection: Any) -> None:
        if connection.engine not in engines:
            engines.append(connection.engine)

    event.listen(Engine, "engine_connect", connected)
    try:
        yield
    finally:
        event.remove(Engine, "engine_connect", connected)
        for engine in engines:
            engine.dispose()
