"""The services', the access policy's and the reads' words come from the catalogue.

A source test walks their code: no error a person reads is raised with a literal or an
f-string (it must carry a Message); and each converted error renders in Chinese with its
figures, and in English.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from config.catalogue import msg
from models import Nomination, RecommendingUnit
from workflow.access.gates import may_list_queue, report_unit, require_admin, require_role
from workflow.access.recusal import check_recusal
from workflow.actors import Actor
from workflow.calendar import WorkingCalendar
from workflow.errors import (
    CalendarRangeError,
    HonorflowError,
    NotFound,
    PermissionDenied,
    Recused,
    RowError,
    RuleFailure,
)
from workflow.repository import not_found
from workflow.services.objections import ObjectionInput

ROOT = Path(__file__).resolve().parents[2]
OTHERS = {"transitions.py", "committee.py", "deadlines.py"}  # another engineer's services
FILES = sorted(
    [
        *(p for p in (ROOT / "workflow" / "services").glob("*.py") if p.name not in OTHERS),
        *(ROOT / "workflow" / "access").glob("*.py"),
        *(ROOT / "workflow" / "queries").glob("*.py"),
        *(
            ROOT / "workflow" / name
            for name in (
                "calendar.py",
                "repository.py",
                "actors.py",
                "importing.py",
                "definition.py",
                "rules/eligibility_params.py",
                "rules/unit_rules.py",
                "rules/composition.py",
                "rules/composition_groups.py",
            )
        ),
    ]
)
# Errors a person reads: the hierarchy's classes, and the parts of import and guard errors.
PERSON_FACING = {
    name
    for name, value in vars(__import__("workflow.errors", fromlist=["*"])).items()
    if isinstance(value, type) and issubclass(value, HonorflowError)
} | {"RowError", "RuleFailure", "Problem", "KeyProblem"}
# The arguments before the message that are codes (files, rows, fields, rules), not words.
CODE_ARGUMENTS = {"RowError": 3, "RuleFailure": 1, "InvalidInput": 1, "BadInput": 1}
ZH_LATIN = re.compile(r"[A-Za-z]")


def _is_text(node: ast.expr) -> bool:
    """A literal string, an f-string, or text glued together from them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.List | ast.Tuple):  # KeyProblem([(path, problem)])
        return any(_is_text(e) for e in node.elts[1:] if not isinstance(e, ast.Constant)) or any(
            isinstance(e, ast.List | ast.Tuple) and _is_text(e) for e in node.elts
        )
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in {"format", "join"} and _is_text(node.func.value)
    return False


def offences(source: str) -> list[str]:
    """Calls of a person-facing error (or its parts) given plain text instead of a Message."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in PERSON_FACING:
            continue
        # RowError's file, row and field and RuleFailure's rule are codes, not words.
        codes = node.args[: CODE_ARGUMENTS.get(name, 0)]
        arguments = [*node.args, *(k.value for k in node.keywords)]
        if any(_is_text(a) for a in arguments if a not in codes):
            found.append(f"line {node.lineno}: {name}")
    return found


def test_the_scan_sees_the_files() -> None:
    names = {p.name for p in FILES}
    assert {"users.py", "gates.py", "recusal.py", "repository.py", "calendar.py"} <= names
    assert not names & {"transitions.py", "committee.py", "deadlines.py"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_error_is_raised_with_plain_text(path: Path) -> None:
    assert offences(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "snippet",
    [
        'raise NotFound(f"task {task_id} does not exist")',
        'raise InvalidState("a written opinion is required")',
        'raise PermissionDenied("only " + who + " may")',
        'raise InvalidState("objection refused: " + "; ".join(problems))',
        'raise Recused(message="{} is recused".format(name))',
        'errors = [RowError(name, 2, "unit", f"unknown unit {u}")]',
        'failure = RuleFailure("quota", "no places")',
        'failure = RuleFailure("quota", reason=f"{n} places")',
        'raise Problem(f"unknown category {code!r}")',
        'raise KeyProblem([(f"stages.{i}.id", f"stage id {s} is repeated")])',
    ],
)
def test_the_scan_catches_a_planted_string(snippet: str) -> None:
    assert offences(snippet)


def test_the_scan_passes_messages() -> None:
    assert not offences('raise NotFound(msg("error.not_found", what=thing, id=3))')
    assert not offences('RowError(path.name, e.row, "recommending_unit", msg("import.x"))')
    assert not offences('return RuleFailure("enterprise_head_alternate", reason)')
    assert not offences('raise ValueError(f"programming error {x}")')  # not a person's error
    assert not offences('raise KeyProblem([(f"stages.{i}.id", msg("definition.x"))])')


def _both(error: HonorflowError) -> tuple[str, str]:
    zh, en = error.text("zh-CN"), error.text("en")
    assert not ZH_LATIN.search(zh), zh
    assert zh != en
    return zh, en


CLERK = Actor("李明", "unit_clerk", unit_code="nc")
REVIEWER = Actor("王伟", "department_reviewer", department="police", unit_code="nc")


def test_role_gates_name_the_roles_by_label() -> None:
    with pytest.raises(PermissionDenied) as denied:
        require_role(CLERK, "team_reviewer", "committee_secretary")
    zh, en = _both(denied.value)
    assert zh == "无权执行此操作：需要工作专班审核员或常委会秘书角色"
    assert (
        en == "you may not do this; it needs the role working-team reviewer or committee secretary"
    )
    with pytest.raises(PermissionDenied) as admin_only:
        require_admin(CLERK)
    assert "管理员" in admin_only.value.text("zh-CN")
    with pytest.raises(PermissionDenied) as queue:
        may_list_queue(REVIEWER, "tax")
    zh, en = _both(queue.value)
    assert "tax" not in zh + en and "本部门" in zh
    with pytest.raises(PermissionDenied) as report:
        report_unit(CLERK, "final", None)
    _both(report.value)


def test_recusal_names_the_reviewer_and_why() -> None:
    nomination = Nomination(unit=RecommendingUnit(code="nc", name="南昌市总工会"))
    with pytest.raises(Recused) as recused:
        check_recusal(REVIEWER, nomination, declared=False)
    zh, en = _both(recused.value)
    assert zh == "王伟须回避：与被推荐人同属一个单位"
    assert en == "王伟 is recused: they belong to the nominee's own unit"
    other = Actor("赵六", "department_reviewer", department="police", unit_code="gz")
    with pytest.raises(Recused) as declared:
        check_recusal(other, nomination, declared=True)
    assert declared.value.text("zh-CN") == "赵六须回避：已申报利益冲突"


def test_not_found_names_the_kind_and_id_only() -> None:
    zh, en = _both(not_found("task", 42))
    assert (zh, en) == ("审核任务42不存在", "task 42 does not exist")
    assert not_found("definition version", 7).text("zh-CN") == "工作流定义版本7不存在"
    assert isinstance(not_found("nomination", 1), NotFound)


def test_the_calendar_refusal_in_both_languages() -> None:
    calendar = WorkingCalendar()
    with pytest.raises(CalendarRangeError) as outside:
        calendar.is_working_day(date(2031, 5, 6))
    zh, en = _both(outside.value)
    assert "2031年5月6日" in zh and "2004年1月1日" in zh
    assert en.startswith("2031-05-06 is outside the working-day calendar")


def test_objection_problems_are_messages() -> None:
    problems = ObjectionInput(source="fax", content=" ", received_on=date(2026, 5, 6)).problems()
    assert [p.code for p in problems] == [
        "objection_problem.source",
        "objection_problem.content",
        "objection_problem.identity",
    ]
    assert problems[0].render("zh-CN") == "来源须为电话或信函或来访或网上之一"
    assert problems[0].render("en") == "source must be one of phone or letter or visit or web"


@pytest.mark.parametrize(
    ("code", "figures", "zh", "en"),
    [
        ("error.campaign_exists", {"campaign": "jx2026"}, "jx2026", "jx2026"),
        ("error.task_claimed_by", {"id": 7, "assignee": "王伟"}, "王伟", "王伟"),
        ("error.version_changed", {"id": 3, "expected": 2, "version": 4}, "版本2", "version 2"),
        ("error.many_open_campaigns", {"count": 2, "codes": ["a1", "b2"]}, "a1、b2", "a1, b2"),
        ("user_problem.password_short", {"n": 8}, "8个字符", "8 characters"),
    ],
)
def test_service_messages_carry_their_figures(
    code: str, figures: dict[str, object], zh: str, en: str
) -> None:
    error = HonorflowError(msg(code, **figures))
    assert zh in error.text("zh-CN") and en in error.text("en")
    words = error.text("zh-CN")
    for figure in ("jx2026", "a1", "b2"):
        words = words.replace(figure, "")
    assert not ZH_LATIN.search(words), words


def test_row_errors_and_rule_failures_of_the_services_render_in_both() -> None:
    row = RowError("f.csv", 2, "recommending_unit", msg("import.own_unit_only"))
    assert row.text("zh-CN") == "f.csv:2: 推荐单位: 你的账号只能导入本单位的推荐人选"
    assert row.text("en").endswith("your account may only import for its own unit")
    assert RuleFailure("quota", msg("error.unit_not_found")).text("zh-CN") == (
        "名额：该推荐单位不存在"
    )
