"""Imports run one way: workflow -> notifications -> models and config, never back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What notifications must never import: the domain, and the entry points above it.
FORBIDDEN = {"workflow", "cli", "web", "tasks", "demo"}


def imported_packages(source: str) -> set[str]:
    """Top-level packages a module imports anywhere (also inside functions and TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def forbidden_imports(package: str) -> dict[str, set[str]]:
    """Module path -> the forbidden packages it imports."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = imported_packages(path.read_text(encoding="utf-8")) & FORBIDDEN
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


def test_notifications_imports_neither_the_domain_nor_an_entry_point() -> None:
    assert list((ROOT / "notifications").glob("*.py")), "the package was not found"
    assert forbidden_imports("notifications") == {}


@pytest.mark.parametrize(
    "source",
    [
        "import workflow",
        "from workflow.errors import HonorflowError",
        "import os, workflow.audit as audit",
        "def f():\n    from workflow.services import outbox\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from tasks.jobs import x\n",
    ],
)
def test_the_check_sees_every_way_of_importing(source: str) -> None:
    assert imported_packages(source) & FORBIDDEN


def test_config_stays_below_everything_at_import_time() -> None:
    # config may reach up only lazily (inside functions), as the composition root does.
    for path in sorted((ROOT / "config").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        top = "\n".join(ast.unparse(n) for n in imports)
        assert not imported_packages(top) & (FORBIDDEN | {"notifications"}), path


def test_the_domain_imports_no_entry_point_and_not_the_demo() -> None:
    bad = {
        path: found & {"cli", "web", "tasks", "demo"}
        for path, found in _imports_under("workflow").items()
        if found & {"cli", "web", "tasks", "demo"}
    }
    assert bad == {}


def _imports_under(package: str) -> dict[str, set[str]]:
    return {
        str(path.relative_to(ROOT)): imported_packages(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def test_only_the_composition_root_makes_engines_and_units_of_work() -> None:
    # Entry points take the database and the unit of work from config.wiring.
    offenders = {}
    for package in ("cli", "web", "tasks"):
        for path in sorted((ROOT / package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            found = [w for w in ("models.db", "make_engine(", "UnitOfWork(") if w in source]
            if found:
                offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}
    assert not (ROOT / "tasks" / "runtime.py").exists()
