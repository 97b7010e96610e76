"""Setting a campaign up: creating it (every refusal names its field), moving its phase only
when the checks the page shows pass, and the quota table refused alike from every surface."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Campaign, QuotaAllocation, RecommendingUnit
from models.uow import UnitOfWork
from tests.conftest import ADMIN, JIANGXI, T0, make_campaign
from workflow.actors import Actor
from workflow.errors import (
    ImportFailed,
    InvalidInput,
    InvalidState,
    PermissionDenied,
    PhaseMoveRefused,
)
from workflow.lifecycles import phase_checks
from workflow.queries import campaign_admin
from workflow.services import campaigns, definitions
from workflow.services.campaign_setup import phase_facts

TEAM = Actor("王专班", "team_reviewer", department="working_team")
LATER = T0 + timedelta(days=30)


def _loaded(sf: sessionmaker[Session]) -> None:
    with UnitOfWork(sf) as uow:
        definitions.load_definition(uow, JIANGXI, T0)


def _create(sf: sessionmaker[Session], **changes: object) -> int:
    values: dict[str, object] = {
        "code": "jx2027",
        "title": "2027年劳动模范评选",
        "definition_name": "jiangxi-labour-model",
        "reference_date": date(2026, 3, 1),
        "submission_deadline": LATER,
        "actor": ADMIN,
        "now": T0,
        "admin_email": "office@jx.example.org",
    }
    values.update(changes)
    with UnitOfWork(sf) as uow:
        return campaigns.create_campaign(uow, **values).id  # type: ignore[arg-type]


def test_a_campaign_is_created_at_launch_pinned_to_the_chosen_version(
    sf: sessionmaker[Session], tmp_path: Path
) -> None:
    _loaded(sf)
    changed = tmp_path / "jx.yaml"
    changed.write_text(JIANGXI.read_text(encoding="utf-8").replace("title: ", "title: 新", 1))
    with UnitOfWork(sf) as uow:
        assert definitions.load_definition(uow, changed, T0)[0].version == 2
    campaign_id = _create(sf, definition_version=1, daily_digest=True)
    with UnitOfWork(sf) as uow:
        row = uow.session.get_one(Campaign, campaign_id)
        assert (row.phase, row.definition.version, row.admin_email) == (
            "launch",
            1,
            "office@jx.example.org",
        )
        assert row.daily_digest is True and row.honour == "江西省劳动模范（先进工作者）"
        assert row.composition and row.submission_deadline == LATER


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"definition_name": "no-such"}, "definition"),
        ({"definition_version": 9}, "definition_version"),
        ({"code": "bad code!"}, "code"),
        ({"title": "  "}, "title"),
        ({"admin_email": "office"}, "admin_email"),
        ({"submission_deadline": T0 - timedelta(hours=1)}, "submission_deadline"),
        (
            {
                "submission_deadline": datetime(2026, 3, 3, tzinfo=T0.tzinfo),
                "reference_date": date(2026, 4, 1),
            },
            "submission_deadline",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(
    sf: sessionmaker[Session], changes: dict[str, object], field: str
) -> None:
    _loaded(sf)
    with pytest.raises(InvalidInput) as refused:
        _create(sf, **changes)
    assert refused.value.field == field
    with UnitOfWork(sf) as uow:
        assert uow.session.scalar(select(func.count(Campaign.id))) == 0


def test_only_an_administrator_creates_and_a_code_is_used_once(sf: sessionmaker[Session]) -> None:
    _loaded(sf)
    with pytest.raises(PermissionDenied):
        _create(sf, actor=TEAM)
    _create(sf)
    with pytest.raises(InvalidState, match="jx2027"):
        _create(sf)


def _checks(sf: sessionmaker[Session], campaign_id: int, now: datetime) -> dict[str, bool]:
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get_one(Campaign, campaign_id)
        [move] = campaign_admin.phase_moves(uow, campaign, now)
        return {c.code: c.ok for c in move.checks}


def test_recommendation_opens_only_with_places_and_before_the_deadline(
    sf: sessionmaker[Session],
) -> None:
    _loaded(sf)
    campaign_id = _create(sf)
    assert _checks(sf, campaign_id, T0) == {
        "order": True,
        "quota_table": False,
        "submission_deadline": True,
    }
    with UnitOfWork(sf) as uow, pytest.raises(PhaseMoveRefused) as refused:
        campaigns.advance_phase(uow, campaign_id, ADMIN, T0, to="recommendation")
    assert refused.value.allowed == ["recommendation"]
    assert "尚未设置名额分配表" in str(refused.value) and "部署启动" in str(refused.value)
    with UnitOfWork(sf) as uow:
        campaigns.set_quota_table(
            uow, campaign_id, [campaigns.UnitQuota("nc", "南昌市总工会", 3)], ADMIN, T0
        )
    assert _checks(sf, campaign_id, LATER)["submission_deadline"] is False
    with UnitOfWork(sf) as uow, pytest.raises(PhaseMoveRefused, match="已过"):
        campaigns.advance_phase(uow, campaign_id, ADMIN, LATER)
    with UnitOfWork(sf) as uow:
        assert campaigns.advance_phase(uow, campaign_id, ADMIN, T0) == "recommendation"


def test_a_move_out_of_order_or_to_decided_is_refused_naming_the_allowed_phase(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)  # recommendation
    with UnitOfWork(sf) as uow, pytest.raises(PhaseMoveRefused) as refused:
        campaigns.advance_phase(uow, campaign_id, ADMIN, T0, to="closed")
    assert refused.value.allowed == ["inspection_notice"]
    assert "从“推荐评审”进入“已结束”" in str(refused.value)
    with UnitOfWork(sf) as uow:
        campaigns.advance_phase(uow, campaign_id, ADMIN, T0, to="inspection_notice")
    with UnitOfWork(sf) as uow, pytest.raises(PhaseMoveRefused, match="须由审定决定推进"):
        campaigns.advance_phase(uow, campaign_id, ADMIN, T0)
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get_one(Campaign, campaign_id)
        gates = {g.code: g.ok for g in phase_checks.gate_checks(campaign, "decided")}
        assert gates == {
            "submit": False,
            "import": False,
            "nominate": False,
            "set_quota": False,
            "amend_composition": False,
        }
        assert phase_facts(uow, campaign).places == 8
    with UnitOfWork(sf) as uow, pytest.raises(PermissionDenied):
        campaigns.advance_phase(uow, campaign_id, TEAM, T0)


def _places(sf: sessionmaker[Session]) -> int:
    with UnitOfWork(sf) as uow:
        return int(uow.session.scalar(select(func.sum(QuotaAllocation.places))) or 0)


def test_the_quota_table_refuses_every_bad_row_and_applies_none(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    rows = [
        campaigns.UnitQuota("nc", "南昌市总工会", 5, row=2),
        campaigns.UnitQuota("jj", "九江市总工会", 4, category="nobody", row=3),
        campaigns.UnitQuota("nc", "南昌市总工会", 1, row=4),  # nc, no category, again
        campaigns.UnitQuota("xx", "赣州市总工会", 1, row=5),  # gz's name under another code
        campaigns.UnitQuota("yy", "九江市总工会", 1, email="nope", row=6),  # jj's name (above)
    ]
    with UnitOfWork(sf) as uow, pytest.raises(ImportFailed) as refused:
        campaigns.set_quota_table(uow, campaign_id, rows, ADMIN, T0, source="q.csv")
    found = [(e.row, e.field) for e in refused.value.errors]
    assert found == [
        (3, "category"),
        (4, "unit_code"),
        (5, "unit_name"),
        (6, "email"),
        (6, "unit_name"),
    ]
    assert "与第2行的单位和类别重复" in str(refused.value)
    assert _places(sf) == 8  # untouched
    with UnitOfWork(sf) as uow, pytest.raises(PermissionDenied):
        campaigns.set_quota_table(uow, campaign_id, rows[:1], TEAM, T0)


def test_a_file_with_chinese_headers_loads_and_a_corrected_email_is_kept(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    data = (
        "单位代码,单位名称,名额,类别,是否单列,单位类型,邮箱\n"
        "nc,南昌市总工会,4,,否,市总工会,new-nc@example.org\n"
        "jt,省交通运输厅,2,一线职工,是,省直部门,\n"
    ).encode("gb18030")
    with UnitOfWork(sf) as uow:
        assert campaigns.import_quota_file(uow, campaign_id, "表.csv", data, ADMIN, T0) == 6
    with UnitOfWork(sf) as uow:
        jt = uow.session.scalars(
            select(QuotaAllocation).join(RecommendingUnit).where(RecommendingUnit.code == "jt")
        ).one()
        assert (jt.category, jt.reserved) == ("front_line_worker", True)
        nc = uow.session.scalars(select(RecommendingUnit).where(RecommendingUnit.code == "nc"))
        assert nc.one().email == "new-nc@example.org"
        events = uow.session.scalars(select(AuditEvent.trigger)).all()
    assert events.count("set_quota") == 2
