"""Entry points parse, call one service or query, and render: no queries, no access rules.

Every read goes through `workflow.queries` and every access decision through
`workflow.access`, so the API, the pages and the CLI cannot drift apart again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINTS = sorted([*(ROOT / "web").rglob("*.py"), *(ROOT / "cli").rglob("*.py")])
# Wiring only: the app and the CLI runtime build the engine and the session factory.
WIRING = {ROOT / "web" / "app.py", ROOT / "cli" / "runtime.py"}
FORBIDDEN = {
    "a query": re.compile(r"\bselect\(|\.session\.(scalar|scalars|execute|get|query)\b"),
    "a role check": re.compile(r"require_role\(|\.role\s*(==|!=|in)\s"),
    # Role gates (require_admin, require_unit_clerk, …) belong to the service or query the
    # entry point calls. Logging in is the entry point's own business (require_page_user).
    "a gate": re.compile(r"\brequire_(?!page_user\b)\w*\("),
    "the old homes": re.compile(
        r"workflow\.(permissions|services\.(visibility|views|views_lists|browse))\b"
    ),
}


def test_the_scan_sees_the_entry_points() -> None:
    names = {p.name for p in ENTRY_POINTS}
    assert {"nominations.py", "tasks.py", "review.py", "commands_nominations.py"} <= names


@pytest.mark.parametrize("path", ENTRY_POINTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_an_entry_point_holds_no_query_and_no_role_check(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for what, pattern in FORBIDDEN.items():
        found = pattern.search(text)
        assert found is None, f"{path.name} holds {what}: {found.group(0) if found else ''}"
    if path not in WIRING:
        assert not re.search(r"^\s*(from|import) sqlalchemy", text, re.M), path.name


def test_the_patterns_catch_what_they_forbid() -> None:
    assert FORBIDDEN["a query"].search("rows = uow.session.scalars(select(Nomination))")
    assert FORBIDDEN["a role check"].search('if viewer.role == "admin":')
    assert FORBIDDEN["a gate"].search("    require_admin(viewer.actor)")
    assert FORBIDDEN["a gate"].search("require_unit_clerk(actor)")
    assert FORBIDDEN["a gate"].search("access.require_reviewer(actor)")
    assert not FORBIDDEN["a gate"].search("def require_page_user(request: Request) -> User:")
    assert FORBIDDEN["the old homes"].search("from workflow.services.visibility import x")
