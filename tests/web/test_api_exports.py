"""The XLSX exports over the API: each opened with openpyxl and read cell by cell against the
database; who may have which, and the refusals."""

from __future__ import annotations

import io
from datetime import date, datetime
from urllib.parse import unquote

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select

from config.catalogue import label, state_label
from models import Nomination, ReviewTask
from models.reviews import TASK_CLAIMED, TASK_DONE, TASK_OPEN
from models.uow import UnitOfWork
from tests.integration import flow
from tests.web.conftest import NOW, World, error
from workflow.services import committee
from workflow.states import HOLD_NO_PLACE

BASE = "/api/campaigns/jx2026/exports"
SUMMARY_HEADERS = [
    "序号", "推荐单位", "姓名", "性别", "民族", "出生年月", "工作单位及职务（职称）", "人员类别",
    "推荐类型", "拟授称号", "备注",
]  # fmt: skip


def sheet_of(response: object) -> Worksheet:
    """The first sheet of an XLSX answer."""
    book = openpyxl.load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    ws = book.worksheets[0]
    assert isinstance(ws, Worksheet)
    return ws


def data_rows(ws: Worksheet, width: int) -> list[list[object]]:
    """The rows under the header, up to the first blank row (the foot follows it)."""
    rows = []
    for row in ws.iter_rows(min_row=4, max_col=width, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(list(row))
    return rows


def live_nominations(world: World, unit: str | None = None) -> list[Nomination]:
    with UnitOfWork(world.sf) as uow:
        query = select(Nomination).where(
            Nomination.campaign_id == world.campaign_id, Nomination.status.not_in(HOLD_NO_PLACE)
        )
        rows = [n for n in uow.session.scalars(query).unique() if unit in (None, n.unit.code)]
        uow.session.expunge_all()
        return rows


def add_alternate(world: World) -> int:
    """An alternate of unit nc, handed in: it is listed after every main nominee."""
    alternate = flow.add(world.sf, world.campaign_id, "nc", "后备庚", rank="alternate", order=1)
    flow.fire(world.sf, alternate, "submit")
    return alternate


def test_the_campaign_summary_cell_by_cell(world: World) -> None:
    alternate = add_alternate(world)
    got = world.client.get(f"{BASE}/summary.xlsx", headers=world.h("admin"))
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("application/vnd.openxmlformats")
    disposition = got.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="jx2026-summary.xlsx"')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "测试评选推荐对象汇总表.xlsx"
    ws = sheet_of(got)
    assert ws["A1"].value == "测试评选推荐对象汇总表"
    assert "推荐单位：全部推荐单位" in ws["A2"].value and "（北京时间）" in ws["A2"].value
    assert "导出时间：2026年3月16日10时" in ws["A2"].value  # NOW in Beijing time
    assert [c.value for c in ws[3]] == SUMMARY_HEADERS
    assert ws.freeze_panes == "A4"
    assert ws.column_dimensions["G"].width == 36
    rows = data_rows(ws, len(SUMMARY_HEADERS))
    expected = live_nominations(world)
    assert len(rows) == len(expected) == 6
    assert [r[0] for r in rows] == list(range(1, 7))
    by_name = {n.name: n for n in expected}
    for row in rows:
        n = by_name[str(row[2])]
        born = n.birth_date
        assert row[1] == n.unit.name and row[3] == label("vocab.gender", n.gender)
        assert row[4] == n.facts["ethnicity"] and row[6] == n.employer
        assert row[5] == datetime(born.year, born.month, 1)  # an Excel date, not text
        assert row[7] == label("vocab.category", n.category) and row[9] == n.honour
        assert row[8] == ("正式" if n.rank == "main" else f"后备{n.alternate_order}")
        assert row[10] == state_label(n.status)
    assert rows[-1][2] == "后备庚" and rows[-1][8] == "后备1"  # main first, alternates after
    assert all(r[8] == "正式" for r in rows[:-1]) and alternate in {n.id for n in expected}
    assert ws.cell(row=4, column=6).number_format == 'yyyy"年"m"月"'
    foot = [c.value for c in ws[4 + len(rows) + 1]]
    assert foot[:2] == ["合计", "6人（正式5人，后备1人）"]


def test_a_clerk_exports_its_own_unit_and_is_refused_another(world: World) -> None:
    got = world.client.get(f"{BASE}/summary.xlsx", headers=world.h("clerk_nc"))
    assert got.status_code == 200, got.text
    assert "（南昌市总工会）" in unquote(got.headers["content-disposition"])
    ws = sheet_of(got)
    rows = data_rows(ws, len(SUMMARY_HEADERS))
    assert sorted(str(r[2]) for r in rows) == sorted(n.name for n in live_nominations(world, "nc"))
    assert {r[1] for r in rows} == {"南昌市总工会"}
    assert all(isinstance(r[5], datetime) for r in rows)  # its own nominees: in full
    other = world.client.get(f"{BASE}/summary.xlsx?unit=gz", headers=world.h("clerk_gz"))
    assert other.status_code == 200
    refused = world.client.get(f"{BASE}/summary.xlsx?unit=gz", headers=world.h("clerk_nc"))
    assert refused.status_code == 403 and error(refused)["code"] == "permission_denied"
    assert "本单位" in error(refused)["message"]


def test_masked_fields_stay_masked(world: World) -> None:
    """The committee secretary reads the nominees before it, the birth date as a year only."""
    got = world.client.get(f"{BASE}/summary.xlsx", headers=world.h("secretary"))
    assert got.status_code == 200, got.text
    rows = data_rows(sheet_of(got), len(SUMMARY_HEADERS))
    assert [r[2] for r in rows] == ["审定己"]
    assert rows[0][5] == "1980年"
    every = "".join(str(c) for r in sheet_of(got).iter_rows(values_only=True) for c in r)
    assert "1980-01" not in every and "360102" not in every


def test_refusals(world: World) -> None:
    anonymous = world.client.get(f"{BASE}/summary.xlsx")
    assert anonymous.status_code == 401
    for who, kind in (("police", "summary"), ("clerk_nc", "funnel"), ("clerk_nc", "workload"),
                      ("secretary", "workload"), ("police", "final_list")):  # fmt: skip
        got = world.client.get(f"{BASE}/{kind}.xlsx", headers=world.h(who))
        assert got.status_code == 403, (who, kind)
    unknown = world.client.get(f"{BASE}/everything.xlsx", headers=world.h("admin"))
    assert unknown.status_code == 404 and "everything" in error(unknown)["message"]
    early = world.client.get(f"{BASE}/final_list.xlsx", headers=world.h("team"))
    assert early.status_code == 409  # no final list before the decision
    whole = world.client.get(f"{BASE}/funnel.xlsx?unit=nc", headers=world.h("admin"))
    assert whole.status_code == 422
    missing = world.client.get(f"{BASE}/summary.xlsx?unit=zz", headers=world.h("admin"))
    assert missing.status_code == 404
    assert world.client.get("/api/campaigns/nope/exports/summary.xlsx",
                            headers=world.h("admin")).status_code == 404  # fmt: skip


def test_workload_per_department_against_the_tasks(world: World) -> None:
    got = world.client.get(f"{BASE}/workload.xlsx", headers=world.h("team"))
    assert got.status_code == 200, got.text
    ws = sheet_of(got)
    assert [c.value for c in ws[3]] == [
        "序号", "部门", "待办", "办理中", "已办结", "已逾期", "合计", "最早办理期限（北京时间）",
    ]  # fmt: skip
    rows = data_rows(ws, 8)
    with UnitOfWork(world.sf) as uow:
        counted = uow.session.execute(
            select(ReviewTask.department, ReviewTask.status, func.count())
            .where(ReviewTask.campaign_id == world.campaign_id)
            .group_by(ReviewTask.department, ReviewTask.status)
        ).all()
        late = dict(
            uow.session.execute(
                select(ReviewTask.department, func.count())
                .where(ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED]), ReviewTask.due_at < NOW)
                .group_by(ReviewTask.department)
            ).all()
        )
    per = {(d, s): c for d, s, c in counted}
    departments = sorted({d for d, _ in per})
    assert len(rows) == len(departments) > 1
    for row, dept in zip(rows, departments, strict=True):
        assert row[2:6] == [
            per.get((dept, TASK_OPEN), 0), per.get((dept, TASK_CLAIMED), 0),
            per.get((dept, TASK_DONE), 0), late.get(dept, 0),
        ]  # fmt: skip
        assert row[7] is None or isinstance(row[7], datetime)
    assert sum(int(str(r[4])) for r in rows) > 0  # the walks completed some


def test_funnel_and_composition(world: World) -> None:
    funnel = world.client.get(f"{BASE}/funnel.xlsx", headers=world.h("team"))
    assert funnel.status_code == 200, funnel.text
    rows = data_rows(sheet_of(funnel), 5)
    assert rows[0][1] == state_label("draft") and rows[0][2] == 6  # every nomination created
    assert rows[-1][1] == state_label("awarded")
    composition = world.client.get(f"{BASE}/composition.xlsx", headers=world.h("admin"))
    assert composition.status_code == 200
    ws = sheet_of(composition)
    assert [c.value for c in ws[3]][:3] == ["序号", "结构比例要求", "类型"]
    assert [c.value for c in ws[3]][7:9] == ["达标情况", "未评估原因"]
    rules = data_rows(ws, 10)
    verdicts = {r[7] for r in rules}
    assert verdicts and verdicts <= {"达标", "未达标", "未评估"}
    # A reason stands beside 未评估 and only there.
    assert all((r[8] in ("名单为空", "基数为空")) == (r[7] == "未评估") for r in rules)
    mine = world.client.get(f"{BASE}/composition.xlsx", headers=world.h("clerk_gz"))
    assert mine.status_code == 200 and "（赣州市总工会）" in unquote(
        mine.headers["content-disposition"]
    )


def test_the_final_list_after_the_decision(world: World) -> None:
    with UnitOfWork(world.sf) as uow:
        committee.decide(uow, world.campaign_id, flow.SECRETARY, NOW, override_reason="同意")
    got = world.client.get(f"{BASE}/final_list.xlsx", headers=world.h("secretary"))
    assert got.status_code == 200, got.text
    ws = sheet_of(got)
    assert ws["A1"].value == "测试评选表彰名单" and "按推荐单位分组" in ws["A2"].value
    assert (ws["A4"].value, ws["A5"].value) == ("江西省劳动模范", "赣州市总工会（1人）")
    assert [c.value for c in ws[6]][:5] == [1, "审定己", "男", "汉族", "江铃汽车"]
    decided = [r for r in ws.iter_rows(values_only=True) if r[0] == "审定时间（北京时间）"]
    assert isinstance(decided[0][1], datetime)
    assert decided[0][1].date() == date(2026, 3, 16)  # NOW (02:00 UTC) is Beijing's day
    assert (
        world.client.get(f"{BASE}/final_list.xlsx", headers=world.h("clerk_gz")).status_code == 403
    )
    listed = world.client.get("/api/campaigns/jx2026/final-list", headers=world.h("team")).json()
    assert listed["group_by"] == "unit"
    assert [
        (g["by"], g["code"], g["name"], g["unit_name"], g["honour"]) for g in listed["groups"]
    ] == [("unit", "gz", "赣州市总工会", "赣州市总工会", "江西省劳动模范")]
