"""The final list grouped as the definition says: by category here (the shipped Jiangxi
definition groups by unit), in the read every caller shares and in its XLSX export."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from sqlalchemy.orm import Session, sessionmaker

from models import Campaign
from models.uow import UnitOfWork
from tests.conftest import JIANGXI, make_campaign
from tests.integration import flow
from workflow.queries import decision
from workflow.services import committee, exports


def by_category(tmp_path: Path) -> Path:
    path = tmp_path / "by-category.yaml"
    text = JIANGXI.read_text(encoding="utf-8")
    assert "  group_by: unit\n" in text
    path.write_text(text.replace("  group_by: unit\n", "  group_by: category\n"), encoding="utf-8")
    return path


def test_the_final_list_grouped_by_category(sf: sessionmaker[Session], tmp_path: Path) -> None:
    campaign_id = make_campaign(sf, by_category(tmp_path))
    worker_gz = flow.add(sf, campaign_id, "gz", "赣一线")
    tech_nc = flow.add(sf, campaign_id, "nc", "昌技术", category="technician", ethnicity="回族")
    worker_nc = flow.add(sf, campaign_id, "nc", "昌一线")
    for ident in (worker_gz, tech_nc, worker_nc):
        flow.to_committee(sf, ident)
    with UnitOfWork(sf) as uow:
        committee.decide(
            uow, campaign_id, flow.SECRETARY, flow.AFTER_NOTICE, override_reason="同意"
        )
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get_one(Campaign, campaign_id)
        final = decision.final_list(uow, flow.TEAM, campaign)
        done = exports.export(uow, flow.TEAM, campaign, "final_list", flow.AFTER_NOTICE)
    assert final.group_by == "category"
    assert [(g.code, g.title("zh-CN")) for g in final.groups] == [
        ("front_line_worker", "一线职工"), ("technician", "专业技术人员"),
    ]  # fmt: skip
    # Within a group: by unit (the quota table's order: nc before gz), then by id.
    assert [h.name for h in final.groups[0].honourees] == ["昌一线", "赣一线"]
    assert final.groups[0].title("en") == "front-line worker"
    ws = openpyxl.load_workbook(io.BytesIO(done.data)).worksheets[0]
    assert "按人员类别分组" in str(ws["A2"].value)
    cells = [list(r) for r in ws.iter_rows(min_row=4, max_row=9, max_col=7, values_only=True)]
    # All three work for enterprises: one title, 江西省劳动模范, heads the list.
    assert cells[0][0] == "江西省劳动模范"
    assert cells[1][0] == "一线职工（2人）" and cells[4][0] == "专业技术人员（1人）"
    assert [c[1] for c in (cells[2], cells[3], cells[5])] == ["昌一线", "赣一线", "昌技术"]
    assert cells[5][3] == "回族" and cells[5][6] == "南昌市总工会"
    assert done.rows == 3


def test_labour_models_and_advanced_workers_are_listed_apart(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    teacher = flow.add(sf, campaign_id, "nc", "昌教师", employer="南昌市第一中学",
                       employer_type="public_institution", ownership="public",
                       category="technician")  # fmt: skip
    worker = flow.add(sf, campaign_id, "gz", "赣一线")
    welder = flow.add(sf, campaign_id, "nc", "昌焊工")
    for ident in (teacher, worker, welder):
        flow.to_committee(sf, ident)
    with UnitOfWork(sf) as uow:
        committee.decide(
            uow, campaign_id, flow.SECRETARY, flow.AFTER_NOTICE, override_reason="同意"
        )
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get_one(Campaign, campaign_id)
        final = decision.final_list(uow, flow.TEAM, campaign)
        done = exports.export(uow, flow.TEAM, campaign, "final_list", flow.AFTER_NOTICE)
    # The definition's titles: enterprise staff 劳动模范 first, public institutions apart.
    assert [(g.honour, g.unit_name, [h.name for h in g.honourees]) for g in final.groups] == [
        ("江西省劳动模范", "南昌市总工会", ["昌焊工"]),
        ("江西省劳动模范", "赣州市总工会", ["赣一线"]),
        ("江西省先进工作者", "南昌市总工会", ["昌教师"]),
    ]
    ws = openpyxl.load_workbook(io.BytesIO(done.data)).worksheets[0]
    first = [r[0] for r in ws.iter_rows(min_row=4, max_row=11, max_col=1, values_only=True)]
    assert first == ["江西省劳动模范", "南昌市总工会（1人）", 1, "赣州市总工会（1人）", 1,
                     "江西省先进工作者", "南昌市总工会（1人）", 1]  # fmt: skip
