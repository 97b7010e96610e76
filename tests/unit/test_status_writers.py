"""Nothing but the lifecycle writers assigns a review task's, objection's or deadline's status
or a campaign's phase: the source of workflow/, web/, cli/ and tasks/ is parsed and searched.

Caught: `x.status = …` / `x.phase = …` (also in tuples and augmented), `write_now(uow, row,
{"status": …})` outside a writer (or the nomination's state writer), `update(M)…values(status=…)`
and `insert(M)…values(…)` on the governed models or their tables (followed through module-level
names such as `_TASKS = cast(Table, ReviewTask.__table__)`), `session.execute(stmt, {"status": …})`
with such a statement, and `M(status=…)` constructors.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("workflow", "web", "cli", "tasks")
# The governed models, the column each has, and the one module allowed to write it.
GOVERNED: dict[str, tuple[str, str]] = {
    "ReviewTask": ("status", "workflow/lifecycles/review_task.py"),
    "Objection": ("status", "workflow/lifecycles/objection.py"),
    "Deadline": ("status", "workflow/lifecycles/deadline.py"),
    "Campaign": ("phase", "workflow/lifecycles/campaign_phase.py"),
}
WRITERS = {path for _, path in GOVERNED.values()}
# `write_now(uow, row, {...})` writes a loaded row at once (workflow/repository.py): with a
# status it belongs to a writer module, or to the nomination's own state writer.
ROW_WRITERS = WRITERS | {"workflow/effects.py"}
COLUMNS = {column for column, _ in GOVERNED.values()}


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _module_aliases(tree: ast.Module) -> dict[str, set[str]]:
    """Module-level name -> the governed models its value refers to (followed transitively)."""
    raw: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    raw[target.id] = _names(node.value)
    resolved: dict[str, set[str]] = {}

    def resolve(name: str, seen: frozenset[str]) -> set[str]:
        if name in GOVERNED:
            return {name}
        if name in seen or name not in raw:
            return set()
        return set().union(*(resolve(n, seen | {name}) for n in raw[name]))

    for name in raw:
        resolved[name] = resolve(name, frozenset())
    return resolved


def _models_in(node: ast.AST, aliases: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    for name in _names(node):
        found |= {name} if name in GOVERNED else aliases.get(name, set())
    return found


def _chain_root(call: ast.Call) -> ast.Call | None:
    """The innermost `update(...)` / `insert(...)` call of a statement chain."""
    node: ast.AST = call
    while True:
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in ("update", "insert"):
                return node
            node = func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return None


def _dict_keys(node: ast.AST) -> set[str]:
    return {
        key.value
        for d in ast.walk(node)
        if isinstance(d, ast.Dict)
        for key in d.keys
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    }


def violations(source: str, path: str = "<snippet>") -> list[str]:
    """Every place in `source` that writes a governed status outside its writer module."""
    tree = ast.parse(source)
    aliases = _module_aliases(tree)
    allowed = {m for m, (_, writer) in GOVERNED.items() if writer == path}
    found: list[str] = []

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{path}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) and path not in WRITERS:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for t in ast.walk(target):
                    if (
                        isinstance(t, ast.Attribute)
                        and t.attr in COLUMNS
                        and not (isinstance(t.value, ast.Name) and t.value.id == "self")
                        and isinstance(t.ctx, ast.Store)
                    ):
                        report(node, f"assigns .{t.attr}")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        # Model(status=...) / Campaign(phase=...)
        if isinstance(func, ast.Name) and func.id in GOVERNED and func.id not in allowed:
            column = GOVERNED[func.id][0]
            if any(k.arg == column for k in node.keywords):
                report(node, f"constructs {func.id} with {column}=")
        if isinstance(func, ast.Attribute) and func.attr == "values":
            root = _chain_root(node)
            models = _models_in(root.args[0], aliases) - allowed if root and root.args else set()
            keys = {k.arg for k in node.keywords} | _dict_keys(node)
            for model in models:
                if GOVERNED[model][0] in keys:
                    report(node, f"writes {model}.{GOVERNED[model][0]} in a statement")
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name == "write_now" and len(node.args) >= 3 and path not in ROW_WRITERS:
            for column in sorted(COLUMNS & _dict_keys(node.args[2])):
                report(node, f"writes .{column} with write_now")
        if isinstance(func, ast.Attribute) and func.attr == "execute" and len(node.args) >= 2:
            models = _models_in(node.args[0], aliases) - allowed
            keys = _dict_keys(node.args[1])
            for model in models:
                if GOVERNED[model][0] in keys:
                    report(node, f"executes a statement on {model} with {GOVERNED[model][0]}")
    return found


def _sources() -> Iterator[tuple[str, str]]:
    for top in SCANNED:
        for file in sorted((ROOT / top).rglob("*.py")):
            yield file.relative_to(ROOT).as_posix(), file.read_text(encoding="utf-8")


def test_only_the_lifecycle_writers_write_status_or_phase() -> None:
    found = [v for path, source in _sources() for v in violations(source, path)]
    assert found == []


def test_the_writers_themselves_are_scanned_and_write() -> None:
    scanned = {path for path, _ in _sources()}
    assert scanned >= WRITERS
    writes = {path for path in WRITERS if violations((ROOT / path).read_text(), "<elsewhere>")}
    assert writes == WRITERS  # moved anywhere else, each writer's code would be caught


PLANTED = {
    "attribute": "task.status = 'done'\n",
    "tuple": "task.status, task.assignee = TASK_OPEN, None\n",
    "phase": "campaign.phase = 'closed'\n",
    "augmented": "row.status += 'x'\n",
    "update": "session.execute(update(Deadline).where(x).values(status=CANCELLED))\n",
    "update_table": (
        "_DEADLINES = cast(Table, Deadline.__table__)\n"
        "def f(s):\n    s.execute(update(_DEADLINES).values(status='fired'))\n"
    ),
    "values_dict": "stmt = update(Objection).values({'status': 'lapsed'})\n",
    "insert_params": (
        "_T = cast(Table, ReviewTask.__table__)\n_INS = insert(_T).returning(_T.c.id)\n"
        "def f(s):\n    s.execute(_INS, {'status': 'open', 'stage': 'x'})\n"
    ),
    "constructor": "Campaign(code='x', phase='decided')\n",
    "write_now": "write_now(uow, task, {'status': 'done', 'outcome': 'pass'})\n",
    "constructor_deadline": "Deadline(kind='k', status='pending')\n",
}


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_the_checker_catches_a_planted_violation(name: str) -> None:
    assert violations(PLANTED[name]), name


def test_the_checker_leaves_other_writes_alone() -> None:
    clean = (
        "self.status = status\n"
        "task.assignee = None\n"
        "session.execute(update(OutboxMessage).values(status='sent'))\n"
        "Nomination(status='draft')\n"
        "session.execute(update(Deadline).values(outcome='x'))\n"
        "x = n.status\n"
    )
    assert violations(clean) == []


def test_a_writer_may_write_only_its_own_model() -> None:
    snippet = "s.execute(update(Deadline).values(status='x'))\ntask.status = 'done'\n"
    assert violations(snippet, "workflow/lifecycles/deadline.py") == []
    assert violations(snippet.splitlines()[0], "workflow/lifecycles/objection.py")
