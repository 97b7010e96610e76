"""A claimed task belongs to an account, not to a display name; the audit records the account."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, ReviewTask
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0
from tests.web.conftest import PASSWORD, World
from workflow import audit, audit_verify
from workflow.actors import Actor
from workflow.errors import InvalidState, PermissionDenied
from workflow.services import reviews, users

SHARED_NAME = "纪检监察审核员"  # a role name many accounts carry as their display name


def _twin(world: World, username: str) -> tuple[int, dict[str, str]]:
    """A police reviewer called SHARED_NAME, with an API token."""
    with UnitOfWork(world.sf) as uow:
        user = users.create_user(
            uow, username=username, display_name=SHARED_NAME, password=PASSWORD,
            role="department_reviewer", department="police", actor=ADMIN, now=T0,
        )  # fmt: skip
        user_id = user.id
    with UnitOfWork(world.sf) as uow:
        token = users.issue_token(uow, user_id, "tests", T0)
    return user_id, {"Authorization": f"Bearer {token}"}


def test_a_second_reviewer_with_the_same_name_cannot_act_on_the_first_ones_claim(
    world: World,
) -> None:
    first_id, first = _twin(world, "jjjc-1")
    _, second = _twin(world, "jjjc-2")
    task = world.task_of("joint_gz_official", "police")
    post = world.client.post

    claimed = post(f"/api/tasks/{task}/claim", headers=first)
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["assignee"] == SHARED_NAME
    assert claimed.json()["assignee_user_id"] == first_id

    assert post(f"/api/tasks/{task}/release", headers=second).status_code == 403
    done = post(
        f"/api/tasks/{task}/complete", headers=second, json={"outcome": "clear", "opinion": "无"}
    )
    assert done.status_code == 409 and "已由" in done.text and "领取" in done.text
    mine = world.client.get("/api/tasks?mine=true", headers=second).json()["items"]
    assert mine == []  # the twin's claim is not "mine"
    with UnitOfWork(world.sf) as uow:
        row = uow.session.get_one(ReviewTask, task)
        assert (row.status, row.assignee_user_id) == ("claimed", first_id)
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.trigger == "claim_task")
        ).one()
    assert (event.actor_user_id, event.actor_username) == (first_id, "jjjc-1")
    assert SHARED_NAME in event.actor

    ok = post(
        f"/api/tasks/{task}/complete", headers=first, json={"outcome": "clear", "opinion": "无"}
    )
    assert ok.status_code == 200, ok.text
    events = world.client.get(
        f"/api/audit?nomination={world.n['joint_gz_official']}", headers=world.h("admin")
    )
    completed = [e for e in events.json()["items"] if e["trigger"] == "task_clear"]
    assert [e["actor_username"] for e in completed] == ["jjjc-1"]


def test_a_cli_role_by_the_same_name_cannot_take_over_an_accounts_claim(world: World) -> None:
    """A CLI actor without an account is recognised by name only where no account is recorded."""
    _, first = _twin(world, "jjjc-1")
    task = world.task_of("joint_gz_official", "police")
    assert world.client.post(f"/api/tasks/{task}/claim", headers=first).status_code == 200
    by_name = Actor(SHARED_NAME, "department_reviewer", department="police")
    with UnitOfWork(world.sf) as uow, pytest.raises(PermissionDenied):
        reviews.release(uow, task, by_name, T0)
    with UnitOfWork(world.sf) as uow, pytest.raises(InvalidState, match=r"已由.*领取"):
        reviews.complete(uow, task, by_name, "clear", "无", T0)


def test_name_only_actors_still_work_between_themselves() -> None:
    """Two CLI actors without accounts: the name decides, as before accounts were recorded."""
    assert Actor("甲", "department_reviewer").same_person(None, "甲")
    assert not Actor("乙", "department_reviewer").same_person(None, "甲")
    assert not Actor("甲", "department_reviewer", user_id=3).same_person(None, "甲")
    assert not Actor("甲", "department_reviewer").same_person(3, "甲")
    assert Actor("甲", "department_reviewer", user_id=3).same_person(3, "乙")


def test_events_with_and_without_an_account_verify_and_the_account_is_hashed(
    sqlite_sf: sessionmaker[Session],
) -> None:
    anonymous = audit.AuditEntry(actor="system (system)", trigger="before")
    person = Actor("王审核", "team_reviewer", department="working_team", user_id=7, username="wang")
    with UnitOfWork(sqlite_sf) as uow:
        old = audit.append(uow, T0, anonymous)
        new = audit.append(uow, T0, audit.AuditEntry.by(person, trigger="after"))
        uow.commit()
    # An event without an account hashes exactly as events did before accounts were recorded.
    assert old.hash == _digest_without_account(anonymous)
    with UnitOfWork(sqlite_sf) as uow:
        rows = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert [(r.actor_user_id, r.actor_username) for r in rows] == [(None, None), (7, "wang")]
        assert audit_verify.verify(uow.session).ok
        unsigned = audit.AuditEntry(actor=person.label, trigger="after")
        assert new.hash != audit.event_digest(old.hash, 2, T0, unsigned)  # the account counts
    with UnitOfWork(sqlite_sf) as uow:
        row = uow.session.scalars(select(AuditEvent).where(AuditEvent.seq == 2)).one()
        row.actor_username = "someone-else"
        uow.commit()
    with UnitOfWork(sqlite_sf) as uow:
        report = audit_verify.verify(uow.session)
    assert not report.ok and report.first_bad_seq == 2 and "altered" in report.said("en")


def _digest_without_account(entry: audit.AuditEntry) -> str:
    """The digest as written before accounts existed: the same body, no account keys."""
    import hashlib
    import json
    from datetime import UTC

    body = {
        "seq": 1,
        "at": T0.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "trigger": entry.trigger,
        "campaign_id": None,
        "nomination_id": None,
        "from": None,
        "to": None,
        "reason": None,
        "payload": {},
    }
    text = audit.GENESIS + json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
