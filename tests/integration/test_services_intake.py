"""Import, submission (quota and eligibility) and the qualification check, on both databases."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Deadline, Nomination, OutboxMessage
from models.scheduling import CANCELLED, PENDING
from models.uow import UnitOfWork
from tests.conftest import ADMIN, ROOT, T0, make_campaign
from tests.integration.flow import TEAM, add, clerk, complete, count, fire, open_tasks, status
from workflow.errors import GuardFailed, ImportFailed, PermissionDenied
from workflow.services import campaigns, nominations

SAMPLE = ROOT / "tests" / "data" / "nominations_sample.csv"


def _rows() -> tuple[list[str], list[list[str]]]:
    records = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))))
    return records[0], records[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _import(sf: sessionmaker[Session], campaign_id: int, path: Path, actor=ADMIN) -> list[int]:
    with UnitOfWork(sf) as uow:
        return nominations.import_nominations(uow, campaign_id, path, actor, T0)


# --- import -------------------------------------------------------------------------------


def test_sample_csv_imports_into_drafts(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    ids = _import(sf, campaign_id, SAMPLE)
    assert len(ids) == 10
    with UnitOfWork(sf) as uow:
        rows = uow.session.scalars(select(Nomination).order_by(Nomination.id)).unique().all()
        assert [r.id for r in rows] == ids
        assert {r.status for r in rows} == {"draft"}
        by_name = {r.name: r for r in rows}
        assert by_name["陈志强"].rank == "alternate" and by_name["陈志强"].alternate_order == 1
        assert by_name["吴桂兰"].unit.code == "jt"
        assert by_name["李秀英"].birth_date.isoformat() == "1982-07-02"
        creates = uow.session.scalars(select(AuditEvent).where(AuditEvent.trigger == "create"))
        assert sorted(e.nomination_id for e in creates) == ids


def test_bad_rows_import_nothing_and_every_bad_row_is_listed(
    sf: sessionmaker[Session], tmp_path: Path
) -> None:
    campaign_id = make_campaign(sf)
    _import(sf, campaign_id, SAMPLE)
    before = count(sf, Nomination)
    header, rows = _rows()
    col = {name: i for i, name in enumerate(header)}
    rows[1][col["gender"]] = "X"  # row 3
    rows[3][col["birth_date"]] = "not a date"  # row 5
    rows[6][col["votes_for"]] = "999"  # row 8: more votes for than cast
    path = _write(tmp_path / "bad.csv", header, rows)

    with pytest.raises(ImportFailed) as failed:
        _import(sf, campaign_id, path)

    found = {(e.row, e.field) for e in failed.value.errors}
    assert found == {(3, "gender"), (5, "birth_date"), (8, "votes_for")}
    assert "bad.csv:3: 性别: “X”不是可接受的值，应为男或女" in str(failed.value)
    assert "bad.csv:3: gender: 'X' is not one of: male or female" in failed.value.text("en")
    assert count(sf, Nomination) == before


def test_unknown_unit_is_a_row_error(sf: sessionmaker[Session], tmp_path: Path) -> None:
    campaign_id = make_campaign(sf)
    header, rows = _rows()
    rows[4][header.index("recommending_unit")] = "不存在的总工会"  # row 6
    path = _write(tmp_path / "unit.csv", header, rows)

    with pytest.raises(ImportFailed) as failed:
        _import(sf, campaign_id, path)

    [error] = failed.value.errors
    assert (error.row, error.field) == (6, "recommending_unit")
    assert "不存在的总工会" in error.reason
    assert count(sf, Nomination) == 0


def test_a_clerk_imports_only_for_its_own_unit(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    with pytest.raises(ImportFailed) as failed:
        _import(sf, campaign_id, SAMPLE, clerk("nc"))
    # Rows 6-8 belong to 省交通运输厅, rows 9-11 to 赣州市总工会.
    assert sorted(e.row for e in failed.value.errors) == [6, 7, 8, 9, 10, 11]
    assert count(sf, Nomination) == 0


# --- submission: quota and eligibility -------------------------------------------------------


def test_quota_stops_a_third_main_nomination(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)  # jt holds 2 places
    first, second, third = (add(sf, campaign_id, "jt", name) for name in ("甲", "乙", "丙"))
    alternate = add(sf, campaign_id, "jt", "丁", rank="alternate", order=1)
    fire(sf, first, "submit", clerk("jt"))
    fire(sf, second, "submit", clerk("jt"))

    with pytest.raises(GuardFailed) as refused:
        fire(sf, third, "submit", clerk("jt"))

    [failure] = refused.value.failures
    assert failure.rule == "quota"
    assert failure.reason == "省交通运输厅共有2个名额，已报送2名"
    assert failure.text("en") == "quota: 省交通运输厅 has 2 place(s) and 2 already submitted"
    assert status(sf, third).status == "draft"
    refusals = count(sf, AuditEvent, trigger="refused:submit", nomination_id=third)
    assert refusals == 1  # the refused attempt stays in the audit
    # An alternate does not take a place.
    assert fire(sf, alternate, "submit", clerk("jt")).to_state == "submitted"


def test_a_clerk_of_another_unit_may_not_submit(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id, "jt")
    with pytest.raises(PermissionDenied):
        fire(sf, nomination, "submit", clerk("nc"))
    assert status(sf, nomination).status == "draft"


def test_an_enterprise_head_needs_85_percent_at_submission(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    add(sf, campaign_id, "nc", "后备", rank="alternate", order=1)  # the head's front-line alternate
    nomination = add(sf, campaign_id, category="enterprise_head", votes_for=80, votes_total=100)
    with pytest.raises(GuardFailed) as refused:
        fire(sf, nomination, "submit")
    [failure] = refused.value.failures
    assert failure.rule == "democratic_recommendation"
    assert failure.code == "rule.democratic_recommendation.leader_below"
    assert (failure.params["votes_for"], failure.params["total"]) == (80, 100)
    assert failure.reason == "负责人赞成率80.0%（100票中80票赞成），低于要求的85%"
    assert status(sf, nomination).status == "draft"


def test_a_retired_nominee_fails_the_qualification_pass(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id, retired=True)
    fire(sf, nomination, "submit")  # retirement is not a submission rule
    fire(sf, nomination, "begin_review")
    [task] = open_tasks(sf, nomination)

    with pytest.raises(GuardFailed) as refused:
        fire(sf, nomination, "pass", TEAM)
    assert [f.rule for f in refused.value.failures] == ["retired"]
    # Through the reviewer's queue the same rule refuses, and the task stays open.
    with pytest.raises(GuardFailed, match="退休人员：被推荐人已退休"):
        complete(sf, task.id, "pass", TEAM)
    assert status(sf, nomination).status == "qualification"
    assert [t.id for t in open_tasks(sf, nomination)] == [task.id]


# --- qualification: return for material ------------------------------------------------------


def test_return_for_material_sets_a_deadline_and_resubmit_goes_back(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    fire(sf, nomination, "submit")
    fire(sf, nomination, "begin_review")
    [task] = open_tasks(sf, nomination)

    result = complete(sf, task.id, "return", TEAM, opinion="缺少事迹材料")

    assert result is not None and result.to_state == "qualification_returned"
    assert status(sf, nomination).status == "qualification_returned"
    assert open_tasks(sf, nomination) == []
    with UnitOfWork(sf) as uow:
        [due] = uow.session.scalars(
            select(Deadline).where(
                Deadline.nomination_id == nomination, Deadline.kind == "material_due"
            )
        ).all()
        assert due.status == PENDING and due.stage == "qualification_returned"
        assert due.due_at > T0
        [message] = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "returned_for_material")
        ).all()
        assert message.nomination_id == nomination
        assert message.recipient == "nc@example.org"
        assert message.context["reason"] == "缺少事迹材料"

    fire(sf, nomination, "resubmit", clerk("nc"))

    assert status(sf, nomination).status == "qualification"
    [new_task] = open_tasks(sf, nomination)
    assert new_task.id != task.id and new_task.stage == "qualification"
    with UnitOfWork(sf) as uow:
        material = uow.session.scalars(
            select(Deadline).where(Deadline.kind == "material_due")
        ).one()
        assert material.status == CANCELLED


def test_unit_rules_at_submission(sf: sessionmaker[Session]) -> None:
    quotas = [
        campaigns.UnitQuota("nc", "南昌市总工会", 5),
        campaigns.UnitQuota("jt", "省交通运输厅", 2),
    ]
    campaign_id = make_campaign(sf, quotas=quotas)
    first = add(
        sf,
        campaign_id,
        "nc",
        "县处一",
        category="official",
        official_level="county",
        employer_type="government",
        ownership="public",
    )
    second = add(
        sf,
        campaign_id,
        "nc",
        "县处二",
        category="official",
        official_level="county",
        employer_type="government",
        ownership="public",
    )
    small = add(
        sf,
        campaign_id,
        "jt",
        "县处三",
        category="official",
        official_level="county",
        employer_type="government",
        ownership="public",
    )
    fire(sf, first, "submit")
    with pytest.raises(GuardFailed, match="已推荐1名县处级/厅局级干部，至多1名"):
        fire(sf, second, "submit")
    with pytest.raises(GuardFailed, match="只有2个名额"):
        fire(sf, small, "submit")
    head = add(sf, campaign_id, "jt", "厂长", category="enterprise_head")
    with pytest.raises(GuardFailed, match="但未配备一线后备人选"):
        fire(sf, head, "submit")
    add(sf, campaign_id, "jt", "一线后备", rank="alternate", order=1)
    assert fire(sf, head, "submit").to_state == "submitted"


def test_category_places_and_general_places_are_counted_apart(sf: sessionmaker[Session]) -> None:
    quotas = [
        campaigns.UnitQuota("nc", "南昌市总工会", 2),
        campaigns.UnitQuota("nc", "南昌市总工会", 1, category="enterprise_head"),
    ]
    campaign_id = make_campaign(sf, quotas=quotas)
    add(sf, campaign_id, "nc", "后备", rank="alternate", order=1)  # the head's front-line alternate
    head = add(sf, campaign_id, "nc", "厂长", category="enterprise_head")
    workers = [add(sf, campaign_id, "nc", f"职工{i}") for i in range(3)]
    second_head = add(sf, campaign_id, "nc", "副厂长", category="enterprise_head")
    for nomination in (head, workers[0], workers[1]):
        fire(sf, nomination, "submit")
    with pytest.raises(GuardFailed, match="名额：南昌市总工会共有2个名额，已报送2名"):
        fire(sf, workers[2], "submit")
    with pytest.raises(GuardFailed, match="南昌市总工会的企业负责人名额共1个，已报送1名"):
        fire(sf, second_head, "submit")
