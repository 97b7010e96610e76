"""Joint review and reviewer queues, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config.message_json import REASON_KEY, message_from_json
from models import AuditEvent, Deadline, OutboxMessage, ReviewTask
from models.reviews import TASK_CANCELLED, TASK_CLAIMED, TASK_DONE
from models.uow import UnitOfWork
from tests.conftest import T0, make_campaign
from tests.integration.flow import (
    TEAM,
    add,
    clerk,
    complete,
    count,
    fire,
    open_tasks,
    status,
    to_joint_review,
)
from workflow.actors import Actor
from workflow.errors import NotFound, PermissionDenied
from workflow.services import reviews

HEAD_DEPARTMENTS = {
    "discipline", "police", "market", "tax", "labour", "safety", "environment", "audit",
}  # fmt: skip


def _reviewer(department: str, unit_code: str | None = None) -> Actor:
    return Actor(f"审核-{department}", "department_reviewer", department, unit_code)


# --- joint review ---------------------------------------------------------------------------


def test_joint_review_routes_an_enterprise_head_to_eight_departments(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    add(sf, campaign_id, "nc", "后备", rank="alternate", order=1)  # the head's front-line alternate
    nomination = add(sf, campaign_id, category="enterprise_head", ownership="state")
    to_joint_review(sf, nomination)

    tasks = open_tasks(sf, nomination)
    assert sorted(t.department for t in tasks) == sorted(HEAD_DEPARTMENTS)
    assert {t.stage for t in tasks} == {"joint_review"}
    assert {t.role for t in tasks} == {"department_reviewer"}
    with UnitOfWork(sf) as uow:
        assigned = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "task_assigned")
        ).all()
        # One message per joint-review task, plus the one of the qualification task.
        rows = uow.session.execute(select(ReviewTask.id, ReviewTask.department))
        task_department = {task_id: department for task_id, department in rows}
        departments = [task_department[m.context["task_id"]] for m in assigned]
        assert sorted(departments) == sorted(HEAD_DEPARTMENTS | {"working_team"})
        due = uow.session.scalars(
            select(Deadline).where(Deadline.kind == "task_due", Deadline.stage == "joint_review")
        ).all()
        assert len(due) == 8


def test_a_front_line_worker_goes_to_discipline_and_police_only(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    to_joint_review(sf, nomination)
    assert sorted(t.department for t in open_tasks(sf, nomination)) == ["discipline", "police"]


def test_all_departments_clear_moves_to_inspection(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    add(sf, campaign_id, "nc", "后备", rank="alternate", order=1)  # the head's front-line alternate
    nomination = add(sf, campaign_id, category="enterprise_head")
    to_joint_review(sf, nomination)
    tasks = open_tasks(sf, nomination)

    results = [complete(sf, t.id, "clear", _reviewer(t.department)) for t in tasks]

    assert results[:-1] == [None] * (len(tasks) - 1)  # waiting for the others
    last = results[-1]
    assert last is not None and (last.from_state, last.to_state) == ("joint_review", "inspection")
    assert status(sf, nomination).status == "inspection"
    [inspection] = open_tasks(sf, nomination)
    assert inspection.stage == "inspection" and inspection.department == "working_team"


def test_one_objection_vetoes_and_an_alternate_steps_up(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    main = add(sf, campaign_id, "nc", "主推", category="enterprise_head")
    alternate = add(sf, campaign_id, "nc", "后备", rank="alternate", order=1)
    other_unit = add(sf, campaign_id, "gz", "别单位", rank="alternate", order=1)
    fire(sf, alternate, "submit")
    to_joint_review(sf, main)
    tasks = {t.department: t for t in open_tasks(sf, main)}
    complete(sf, tasks["police"].id, "clear", _reviewer("police"))

    result = complete(sf, tasks["tax"].id, "object", _reviewer("tax"), opinion="近两年存在偷税问题")

    assert result is not None and result.to_state == "vetoed"
    vetoed = status(sf, main)
    assert vetoed.status == "vetoed"
    assert vetoed.end_reason == "税务：近两年存在偷税问题"
    assert open_tasks(sf, main) == []
    with UnitOfWork(sf) as uow:
        states = dict(
            uow.session.execute(
                select(ReviewTask.department, ReviewTask.status).where(
                    ReviewTask.nomination_id == main, ReviewTask.stage == "joint_review"
                )
            ).all()
        )
        assert states["tax"] == TASK_DONE and states["police"] == TASK_DONE
        assert {states[d] for d in HEAD_DEPARTMENTS - {"tax", "police"}} == {TASK_CANCELLED}
        [step_up] = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.trigger == "step_up")
        ).all()
        assert step_up.nomination_id == alternate
        payload = dict(step_up.payload)
        said = message_from_json(payload.pop(REASON_KEY))
        assert payload == {"replaces": main, "alternate_order": 1}
        assert step_up.reason == "后备人选第1位递补主推（联审否决）"
        assert said.render("en").startswith("alternate 1 steps up for 主推 (")
        ended = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "nomination_ended")
        ).one()
        assert ended.context["reason"] == "税务：近两年存在偷税问题"
    stepped = status(sf, alternate)
    assert (stepped.rank, stepped.alternate_order, stepped.status) == ("main", None, "submitted")
    assert status(sf, other_unit).rank == "alternate"  # another unit's alternate stays put


def test_a_draft_withdrawn_frees_no_place_so_no_alternate_steps_up(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)  # jt holds 2 places
    draft = add(sf, campaign_id, "jt", "草稿")
    for name in ("甲", "乙"):
        fire(sf, add(sf, campaign_id, "jt", name), "submit")
    alternate = add(sf, campaign_id, "jt", "后备", rank="alternate", order=1)
    fire(sf, alternate, "submit")

    fire(sf, draft, "withdraw", clerk("jt"))

    assert status(sf, alternate).rank == "alternate"  # else jt would hold 3 live mains
    assert count(sf, AuditEvent, trigger="step_up") == 0


# --- reviewer queue ---------------------------------------------------------------------------


def test_queue_is_ordered_by_due_date_and_a_task_can_be_claimed(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    started = {}
    for name, days in (("晚", 2), ("早", 0), ("中", 1)):
        nomination = add(sf, campaign_id, name=name)
        fire(sf, nomination, "submit")
        fire(sf, nomination, "begin_review", now=T0 + timedelta(days=days))
        started[nomination] = days

    with UnitOfWork(sf) as uow:
        queue = reviews.queue(uow, TEAM)
        order = [(t.nomination_id, t.due_at) for t in queue]
    assert [nid for nid, _ in order] == sorted(started, key=started.__getitem__)
    assert [due for _, due in order] == sorted(due for _, due in order)
    assert len({due for _, due in order}) == 3

    first = order[0][0]
    [task] = open_tasks(sf, first)
    with UnitOfWork(sf) as uow:
        claimed = reviews.claim(uow, task.id, TEAM, T0)
    assert (claimed.status, claimed.assignee) == (TASK_CLAIMED, TEAM.name)
    assert count(sf, AuditEvent, trigger="claim_task", nomination_id=first) == 1
    with UnitOfWork(sf) as uow:  # a claimed task stays in its department's queue
        assert next(t.id for t in reviews.queue(uow, TEAM)) == task.id
    with UnitOfWork(sf) as uow, pytest.raises(PermissionDenied):
        reviews.queue(uow, TEAM, department="police")


def test_a_reviewer_of_another_department_is_refused(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    to_joint_review(sf, nomination)
    police = next(t for t in open_tasks(sf, nomination) if t.department == "police")

    # Another department's task does not exist for them, and nothing names its department.
    with UnitOfWork(sf) as uow, pytest.raises(NotFound, match="不存在") as refused:
        reviews.claim(uow, police.id, _reviewer("tax"), T0)
    assert "police" not in str(refused.value)
    with pytest.raises(NotFound):
        complete(sf, police.id, "clear", _reviewer("tax"))
    [task] = [t for t in open_tasks(sf, nomination) if t.id == police.id]
    assert task.assignee is None and task.status == "open"


def test_a_reviewer_from_the_nominees_unit_recuses_and_it_is_audited(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id, "nc")
    to_joint_review(sf, nomination)
    police = next(t for t in open_tasks(sf, nomination) if t.department == "police")
    insider = _reviewer("police", unit_code="nc")

    with UnitOfWork(sf) as uow, pytest.raises(PermissionDenied, match="须回避"):
        reviews.claim(uow, police.id, insider, T0)

    # The refusal was committed even though the action was not.
    with UnitOfWork(sf) as uow:
        [event] = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.trigger == "recusal")
        ).all()
        assert event.nomination_id == nomination and event.payload["task_id"] == police.id
        task = uow.session.get(ReviewTask, police.id)
        assert task is not None and task.status == "open" and task.assignee is None
    # The same holds for a team reviewer firing a trigger directly.
    team_insider = Actor("本单位审核", "team_reviewer", "working_team", unit_code="nc")
    other = add(sf, campaign_id, "nc", "乙")
    fire(sf, other, "submit")
    fire(sf, other, "begin_review")
    with pytest.raises(PermissionDenied, match="须回避"):
        fire(sf, other, "pass", team_insider)
    assert status(sf, other).status == "qualification"
    assert count(sf, AuditEvent, trigger="recusal:pass", nomination_id=other) == 1
