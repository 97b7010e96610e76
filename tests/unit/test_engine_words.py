"""The engine's words come from the catalogue: no refusal, error or audit reason in its
source is a literal text (issue 8, item 6).

Parses the engine's modules and flags, in each:
- `RuleFailure(rule, <text>)` whose reason is a string literal or an f-string;
- an error of `workflow.errors` (or any `raise X(...)`) made from a string literal or an
  f-string;
- a `reason=` or `finding=` (audit reasons, objection findings), or a `reason`/`finding`
  variable, given as a string literal or an f-string — an automatic change's reason is a
  Message (see config/message_json.py).
A person's own words (a variable) are fine; codes (identifiers) are not words.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from workflow import errors
from workflow.errors import HonorflowError

ROOT = Path(__file__).resolve().parents[2]
ENGINE = sorted(
    {
        *ROOT.glob("workflow/stages/*.py"),
        *ROOT.glob("workflow/lifecycles/*.py"),
        *(
            ROOT / "workflow" / name
            for name in (
                "rules/quota.py",
                "guards.py",
                "effects.py",
                "deadline_actions.py",
                "machine.py",
                "states.py",
                "services/transitions.py",
                "services/committee.py",
                "services/deadlines.py",
                "alternates.py",
                "registry.py",
                "step.py",
                "messages.py",
            )
        ),
    }
)
_CLASSES = inspect.getmembers(errors, inspect.isclass)
ERRORS = {name for name, value in _CLASSES if issubclass(value, HonorflowError)}
# Errors built from codes and figures of their own (a trigger, a state, rule failures).
FROM_CODES = {
    name
    for name, value in _CLASSES
    if name in ERRORS and value.__init__ is not HonorflowError.__init__
}


def _is_text(node: ast.AST | None) -> bool:
    """A string literal, an f-string, or text glued from them (`"a" + b`, `"%s" % x`)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    return False


def _name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def literal_words(source: str, filename: str = "<snippet>") -> list[str]:
    """Where a refusal, error or audit reason is written as text instead of a Message."""
    found = []
    tree = ast.parse(source, filename)
    raised = {id(n.exc) for n in ast.walk(tree) if isinstance(n, ast.Raise) and n.exc}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _is_text(node.value):
            names = {t.id for t in node.targets if isinstance(t, ast.Name)}
            if names & {"reason", "finding"}:
                found.append(f"{filename}:{node.lineno}: a reason assigned as a text")
        if not isinstance(node, ast.Call):
            continue
        name, where = _name(node), f"{filename}:{node.lineno}"
        if name == "RuleFailure" and len(node.args) > 1 and _is_text(node.args[1]):
            found.append(f"{where}: RuleFailure with a text reason")
        words_first = name in ERRORS or id(node) in raised
        if words_first and name not in FROM_CODES and node.args and _is_text(node.args[0]):
            found.append(f"{where}: {name} raised with a text")
        for keyword in node.keywords:
            if keyword.arg in {"reason", "finding"} and _is_text(keyword.value):
                found.append(f"{where}: {keyword.arg}= given as a text")
    return found


def test_the_engine_files_are_the_ones_listed() -> None:
    assert all(path.is_file() for path in ENGINE)
    assert len(ENGINE) >= 25


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_refusal_error_or_reason_is_literal_text(path: Path) -> None:
    assert literal_words(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))) == []


@pytest.mark.parametrize(
    "snippet",
    [
        'RuleFailure("quota", f"unit {u} has {n} place(s)")',
        'failures.append(RuleFailure("quota", "no places"))',
        'raise InvalidState(f"campaign {code} is already {phase}")',
        'raise NotFound("deadline does not exist")',
        'raise errors.InvalidState("task " + str(i) + " is done")',
        'raise ValueError(f"bad {x}")',
        'error = PermissionDenied("only %s" % x)',
        'apply(uow, n, "withdraw", SYSTEM, now, reason=f"deadline #{d.id}")',
        'audit.AuditEntry(actor="system", trigger="t", reason="approved by the committee")',
        'resolve(uow, o, "lapsed", finding="核查结论逾期未报", campaign_id=1)',
        'reason = f"逾期未补充材料，视为自动放弃 — {because(deadline)}"',
    ],
)
def test_the_check_finds_planted_text(snippet: str) -> None:
    assert len(literal_words(snippet)) == 1


@pytest.mark.parametrize(
    "snippet",
    [
        'RuleFailure("quota", msg("rule.quota.full", unit=u, places=n, used=m))',
        'raise InvalidState(msg("error.phase_last", campaign=c, phase=p))',
        "raise NotImplementedError",
        'raise GuardFailed("decide", failures)',
        'raise TransitionNotAllowed("draft", "pass", ["submit"])',
        'apply(uow, n, "reject", actor, now, reason=exceptions.get(n.id) or why)',
        'audit.AuditEntry(actor="system", trigger=f"objection_{target}", reason=reason)',
        'queue_message(uow, key=f"reminder:{d.id}:{r}", kind="reminder")',
    ],
)
def test_the_check_lets_messages_and_codes_pass(snippet: str) -> None:
    assert literal_words(snippet) == []
