"""A reviewer's queue work: filters and search (API and inbox page alike), releasing a claim
from the page, the veto's written reason and confirmation, and the identity number shown to
the departments configured for it (audited), masked for the others."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from models import AuditEvent, Nomination, ReviewTask
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0
from tests.integration import flow
from tests.web.conftest import PASSWORD, World, error
from workflow.services import users

SECRET_ID = "360102198001011234"


def _page_client(world: World, who: str) -> tuple[TestClient, str]:
    """A browser-like client logged in as `who`, and its CSRF token."""
    client = TestClient(world.app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    data = {"username": who, "password": PASSWORD, "csrf_token": token.group(1)}
    landed = client.post("/login", data=data, follow_redirects=False)
    assert landed.status_code == 303
    home = client.get(landed.headers["location"]).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', home)
    assert csrf
    return client, csrf.group(1)


def _ids(world: World, who: str, query: str) -> list[int]:
    answer = world.client.get(f"/api/tasks?{query}", headers=world.h(who))
    assert answer.status_code == 200, answer.text
    return [t["id"] for t in answer.json()["items"]]


# --- filters and search ---------------------------------------------------------------------


def test_the_api_filters_by_stage_state_unit_category_and_overdue(world: World) -> None:
    police_nc = world.task_of("joint_nc", "police")
    police_gz = world.task_of("joint_gz_official", "police")
    assert sorted(_ids(world, "police", "")) == sorted([police_nc, police_gz])
    assert _ids(world, "police", "unit=nc") == [police_nc]
    assert _ids(world, "police", "category=official") == [police_gz]
    assert _ids(world, "police", "stage=qualification") == []
    assert _ids(world, "police", "overdue=true") == []
    world.app.state.clock.now += timedelta(days=3)
    assert sorted(_ids(world, "police", "overdue=true")) == sorted([police_nc, police_gz])
    # Empty values, as a GET form sends them, mean "any".
    assert len(_ids(world, "police", "stage=&unit=&category=&q=&state=&campaign_id=")) == 2
    assert _ids(world, "police", f"campaign_id={world.campaign_id + 1}") == []
    team = _ids(world, "team", "stage=qualification")
    assert team == [world.task_of("qual_gz", "working_team")]


def test_state_mine_and_the_older_mine_flag_agree(world: World) -> None:
    task = world.task_of("joint_gz_official", "police")
    assert world.client.post(f"/api/tasks/{task}/claim", headers=world.h("police")).is_success
    assert _ids(world, "police", "state=mine") == [task]
    assert _ids(world, "police", "mine=true") == [task]
    assert _ids(world, "police", "state=claimed") == [task]
    assert _ids(world, "police", "state=open") == [world.task_of("joint_nc", "police")]


def test_search_by_name_or_employer_takes_wildcards_literally(world_both: World) -> None:
    world = world_both  # on SQLite and PostgreSQL: LIKE escapes differ between them
    official = world.task_of("joint_gz_official", "police")
    assert _ids(world, "police", "q=联审丁") == [official]
    assert _ids(world, "police", "q=人社局") == [official]  # part of the employer
    assert _ids(world, "police", "q=%25") == []  # a typed % is a character, not "anything"
    assert _ids(world, "police", "q=_") == []


def test_a_search_never_finds_a_task_the_reviewer_stands_aside_from(world: World) -> None:
    # police_nc belongs to nc: recused from 联审丙, whose task its queue shows without a name.
    assert world.task_of("joint_nc", "police") in _ids(world, "police_nc", "")
    assert _ids(world, "police_nc", "q=联审丙") == []
    assert _ids(world, "police_nc", "unit=nc") == []
    assert _ids(world, "police_nc", "q=江铃") == []


def test_bad_filters_are_422_naming_the_parameter(world: World) -> None:
    for query, field in (
        ("state=everything", "query.state"),
        ("q=" + "长" * 51, "query.q"),
        ("campaign_id=abc", "query.campaign_id"),
        ("unit=%27%3B", "query.unit"),
    ):
        answer = world.client.get(f"/api/tasks?{query}", headers=world.h("police"))
        assert answer.status_code == 422, query
        assert error(answer)["field"] == field
    page, _ = _page_client(world, "police")
    assert page.get("/inbox?per=1000").status_code == 422
    assert page.get("/inbox?state=everything").status_code == 422


def test_the_inbox_page_filters_counts_and_pages(world_both: World) -> None:
    world = world_both  # the counts use FILTER clauses: both databases
    page, _ = _page_client(world, "police")
    whole = page.get("/inbox").text
    assert "联审丙" in whole and "联审丁" in whole
    assert "共2项任务，第1/1页" in whole
    assert "全部 (2)" in whole and "待认领 (2)" in whole and "已逾期 (0)" in whole
    searched = page.get("/inbox?q=联审丁").text
    assert "联审丁" in searched and "联审丙" not in searched
    assert 'value="联审丁"' in searched  # the filter stays in the form
    first = page.get("/inbox?per=5&page=1").text
    assert 'rel="next"' not in first  # one page only
    beyond = page.get("/inbox?page=3").text
    assert "暂无内容" in beyond


# --- releasing a claim from the page --------------------------------------------------------


def test_release_from_the_task_page_and_the_inbox(world: World) -> None:
    task = world.task_of("joint_gz_official", "police")
    page, csrf = _page_client(world, "police")
    assert page.post(f"/tasks/{task}/claim", data={"csrf_token": csrf}).status_code == 200
    held = page.get(f"/tasks/{task}").text
    assert f'action="/tasks/{task}/release"' in held
    released = page.post(
        f"/tasks/{task}/release", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert released.status_code == 303
    assert released.headers["location"] == f"/tasks/{task}?released=1"
    assert "已释放" in page.get(released.headers["location"]).text
    page.post(f"/tasks/{task}/claim", data={"csrf_token": csrf})
    inbox = page.get("/inbox?state=mine").text
    assert f'action="/tasks/{task}/release"' in inbox
    back = page.post(
        f"/tasks/{task}/release",
        data={"csrf_token": csrf, "back": "/inbox?state=mine"},
        follow_redirects=False,
    )
    assert back.headers["location"] == "/inbox?state=mine"
    elsewhere = page.post(f"/tasks/{task}/claim", data={"csrf_token": csrf})
    assert elsewhere.status_code == 200
    away = page.post(
        f"/tasks/{task}/release",
        data={"csrf_token": csrf, "back": "https://example.org/"},
        follow_redirects=False,
    )
    assert away.headers["location"] == f"/tasks/{task}?released=1"  # never another site


def test_release_refusals(world: World) -> None:
    task = world.task_of("joint_gz_official", "police")
    page, csrf = _page_client(world, "police")
    # Nobody holds it: 409, said on the task page.
    unclaimed = page.post(f"/tasks/{task}/release", data={"csrf_token": csrf})
    assert unclaimed.status_code == 409 and "未被领取" in unclaimed.text
    # Someone else holds it: 403.
    assert world.client.post(f"/api/tasks/{task}/claim", headers=world.h("admin")).is_success
    other = page.post(f"/tasks/{task}/release", data={"csrf_token": csrf})
    assert other.status_code == 403
    # Outside my queue: 404; without the form's token: 403 and nothing released.
    org, org_csrf = _page_client(world, "organisation")
    police_task = world.task_of("joint_nc", "police")
    assert org.post(f"/tasks/{police_task}/release", data={"csrf_token": org_csrf}).status_code == (
        404
    )
    assert page.post(f"/tasks/{task}/release", data={"csrf_token": "forged"}).status_code == 403
    with UnitOfWork(world.sf) as uow:
        assert uow.session.get_one(ReviewTask, task).assignee_user_id == world.user_ids["admin"]


# --- the veto -------------------------------------------------------------------------------


def test_a_veto_without_a_written_reason_is_refused_by_the_api(world: World) -> None:
    task = world.task_of("joint_gz_official", "organisation")
    h = world.h("organisation")
    blank = world.client.post(
        f"/api/tasks/{task}/complete", json={"outcome": "object", "opinion": "   "}, headers=h
    )
    assert blank.status_code == 422
    assert error(blank)["field"] == "body.opinion"
    assert "否决须写明书面理由" in error(blank)["message"]
    assert flow.status(world.sf, world.n["joint_gz_official"]).status == "joint_review"
    vetoed = world.client.post(
        f"/api/tasks/{task}/complete",
        json={"outcome": "object", "opinion": "有违纪记录"},
        headers=h,
    )
    assert vetoed.status_code == 200, vetoed.text
    assert flow.status(world.sf, world.n["joint_gz_official"]).status == "vetoed"


def test_a_veto_on_the_page_is_confirmed_on_a_second_screen(world: World) -> None:
    task = world.task_of("joint_gz_official", "organisation")
    nominee = world.n["joint_gz_official"]
    page, csrf = _page_client(world, "organisation")
    form = {"csrf_token": csrf, "outcome": "object", "opinion": "存在违规兼职问题"}
    asked = page.post(f"/tasks/{task}/complete", data=form)
    assert asked.status_code == 200
    assert "确认否决" in asked.text and "永久取消" in asked.text
    assert "存在违规兼职问题" in asked.text  # the reason, restated to be confirmed
    assert 'name="confirmed" value="yes"' in asked.text and f'href="/tasks/{task}"' in asked.text
    assert flow.status(world.sf, nominee).status == "joint_review"  # nothing recorded yet
    blank = page.post(f"/tasks/{task}/complete", data={**form, "opinion": " ", "confirmed": "yes"})
    assert blank.status_code == 422 and "否决须写明书面理由" in blank.text
    assert "确认否决" in blank.text  # still the confirmation screen
    assert flow.status(world.sf, nominee).status == "joint_review"
    done = page.post(
        f"/tasks/{task}/complete", data={**form, "confirmed": "yes"}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == f"/inbox?done={task}"
    assert flow.status(world.sf, nominee).status == "vetoed"


def test_clearing_needs_no_confirmation(world: World) -> None:
    task = world.task_of("joint_gz_official", "organisation")
    page, csrf = _page_client(world, "organisation")
    form = {"csrf_token": csrf, "outcome": "clear", "opinion": "无问题"}
    done = page.post(f"/tasks/{task}/complete", data=form, follow_redirects=False)
    assert done.status_code == 303


# --- the identity number --------------------------------------------------------------------


def _give_id_number(world: World, key: str) -> None:
    with UnitOfWork(world.sf) as uow:
        row = uow.session.get_one(Nomination, world.n[key])
        facts = {**row.facts, "id_number": SECRET_ID}
        uow.session.execute(update(Nomination).where(Nomination.id == row.id).values(facts=facts))
        uow.commit()


def _views(world: World) -> list[AuditEvent]:
    with UnitOfWork(world.sf) as uow:
        found = select(AuditEvent).where(AuditEvent.trigger == "id_number_viewed")
        rows = list(uow.session.scalars(found.order_by(AuditEvent.seq)))
        uow.session.expunge_all()
    return rows


def test_police_see_the_identity_number_and_each_view_is_audited(world: World) -> None:
    _give_id_number(world, "joint_nc")
    nominee, task = world.n["joint_nc"], world.task_of("joint_nc", "police")
    detail = world.client.get(f"/api/nominations/{nominee}", headers=world.h("police"))
    assert detail.json()["facts"]["id_number"] == SECRET_ID
    [event] = _views(world)
    assert event.nomination_id == nominee
    assert event.actor_user_id == world.user_ids["police"] and event.actor_username == "police"
    task_answer = world.client.get(f"/api/tasks/{task}", headers=world.h("police")).json()
    assert task_answer["facts"]["id_number"] == SECRET_ID
    page, _ = _page_client(world, "police")
    assert SECRET_ID in page.get(f"/tasks/{task}").text
    assert SECRET_ID in page.get(f"/nominations/{nominee}").text
    assert len(_views(world)) == 4  # once per read
    # A list names no identity number, so it audits nothing.
    world.client.get("/api/tasks", headers=world.h("police"))
    assert len(_views(world)) == 4


def test_tax_does_not_see_it_and_nothing_is_audited(world: World) -> None:
    flow.add(world.sf, world.campaign_id, "jt", "后备甲", rank="alternate", order=1)
    head = flow.add(
        world.sf, world.campaign_id, "jt", "企业戊", category="enterprise_head",
        id_number=SECRET_ID,
    )  # fmt: skip
    flow.to_joint_review(world.sf, head)
    with UnitOfWork(world.sf) as uow:
        task = uow.session.scalars(
            select(ReviewTask.id).where(
                ReviewTask.nomination_id == head, ReviewTask.department == "tax"
            )
        ).one()
    with UnitOfWork(world.sf) as uow:
        tax = users.create_user(
            uow, username="tax", display_name="税务审核", password=PASSWORD,
            role="department_reviewer", department="tax", actor=ADMIN, now=T0,
        )  # fmt: skip
    with UnitOfWork(world.sf) as uow:
        token = users.issue_token(uow, tax.id, "tests", T0)
    answer = world.client.get(f"/api/tasks/{task}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.json()["facts"]["id_number"] == "3601**********1234"
    assert _views(world) == []


def test_a_clerk_of_another_unit_still_gets_404(world: World) -> None:
    _give_id_number(world, "joint_nc")
    nominee = world.n["joint_nc"]
    answer = world.client.get(f"/api/nominations/{nominee}", headers=world.h("clerk_gz"))
    assert answer.status_code == 404 and SECRET_ID not in answer.text
    page, _ = _page_client(world, "clerk_gz")
    assert page.get(f"/nominations/{nominee}").status_code == 404
    assert _views(world) == []


def test_a_recused_reviewer_gets_no_confirmation_screen_but_a_refusal(world: World) -> None:
    task = world.task_of("joint_nc", "police")  # police_nc belongs to nc: recused
    page, csrf = _page_client(world, "police_nc")
    form = {"csrf_token": csrf, "outcome": "object", "opinion": "有问题"}
    refused = page.post(f"/tasks/{task}/complete", data=form)
    assert refused.status_code == 403 and "联审丙" not in refused.text
    assert flow.status(world.sf, world.n["joint_nc"]).status == "joint_review"
    with UnitOfWork(world.sf) as uow:
        kept = uow.session.scalars(
            select(AuditEvent.trigger).where(AuditEvent.trigger == "recusal")
        ).all()
    assert kept == ["recusal"]
