"""Masked fields, checked the same way on the API, the pages and the CLI: identity numbers
and phones for those who may not see personal data, an objector's name and contact for all
but administrators and the team, and nothing of a nominee for a recused reviewer.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update

from models import AuditEvent, Nomination, Objection
from models.uow import UnitOfWork
from tests.web.access_surfaces import (
    CONTACT,
    REPORTER,
    SECRET_ID,
    SECRET_PHONE,
    Answer,
    Surfaces,
    access,
)
from tests.web.conftest import World

__all__ = ["access"]  # the fixture, imported for pytest


MASKED_ID = "3601**********1234"
MASKED_PHONE = "138****5678"


def _with_personal_data(world: World, key: str) -> None:
    """Give another nominee the same identity number and phone as nc's joint-review one."""
    with UnitOfWork(world.sf) as uow:
        row = uow.session.get_one(Nomination, world.n[key])
        personal = {"id_number": SECRET_ID, "phone": SECRET_PHONE}
        facts = {**row.facts, **personal, "extra": {**row.facts.get("extra", {}), **personal}}
        uow.session.execute(update(Nomination).where(Nomination.id == row.id).values(facts=facts))
        uow.commit()


def _id_views(world: World) -> int:
    with UnitOfWork(world.sf) as uow:
        found = select(func.count(AuditEvent.id)).where(AuditEvent.trigger == "id_number_viewed")
        return int(uow.session.scalar(found) or 0)


# Who sees what of a nominee under joint review. Police and discipline are configured to see
# the identity number (`sees_id_number: true`), and each of their views is audited; the phone
# stays masked for them. Organisation (like tax) sees both masked; admins see everything.
MATRIX = [
    ("police", "joint_nc", "police", True, False, True),
    ("organisation", "joint_gz_official", "organisation", False, False, False),
    ("admin", "joint_nc", "police", True, True, False),
]


@pytest.mark.parametrize(
    ("who", "nominee", "department", "full_id", "full_phone", "audited"),
    MATRIX,
    ids=["police", "organisation", "admin"],
)
def test_identity_number_and_phone_are_masked_alike(
    access: World,
    who: str,
    nominee: str,
    department: str,
    full_id: bool,
    full_phone: bool,
    audited: bool,
) -> None:
    _with_personal_data(access, nominee)
    surfaces = Surfaces(access)
    for resource in ("detail", "task"):
        before = _id_views(access)
        answers = surfaces.all(who, resource, nominee, department)
        for surface, answer in answers.items():
            assert answer.outcome == "ok", (surface, resource)
            assert (SECRET_ID in answer.text) is full_id, (surface, resource)
            assert (SECRET_PHONE in answer.text) is full_phone, (surface, resource)
            assert (MASKED_ID in answer.text) is not full_id, (surface, resource)
            if not full_phone:
                assert MASKED_PHONE in answer.text, (surface, resource)
        # One audit event per read, on every surface; none for those who see it by role.
        assert _id_views(access) - before == (len(answers) if audited else 0), resource


@pytest.mark.parametrize(("who", "full"), [("clerk_nc", False), ("team", True), ("admin", True)])
def test_an_objector_is_shown_only_to_admins_and_the_team(
    access: World, who: str, full: bool
) -> None:
    surfaces = Surfaces(access)
    for resource in ("detail", "objections"):
        for surface, answer in surfaces.all(who, resource, "notice_nc", "").items():
            if surface == "api" and resource == "detail":
                continue  # the API's detail has no objections; its objections list does
            assert answer.outcome == "ok", (surface, resource)
            assert (REPORTER in answer.text) is full, (surface, resource)
            assert (CONTACT in answer.text) is full, (surface, resource)
            if not full:
                assert "李**" in answer.text, (surface, resource)


def test_a_recused_reviewer_gets_no_name_or_employer_from_any_list(access: World) -> None:
    surfaces = Surfaces(access)
    # police_nc belongs to nc, 联审丙's unit; police declared a conflict with 联审丁.
    hidden = {"police_nc": ("联审丙", "江铃汽车"), "police": ("联审丁", "赣州市人社局")}
    for who, (name, employer) in hidden.items():
        api = surfaces.api(who, "/api/nominations?limit=500")
        tasks = surfaces.api(who, "/api/tasks")
        audit = surfaces.api(who, "/api/audit?limit=1000")
        inbox = surfaces.page(who, "/inbox")
        listed = surfaces.cli(who, ["nominations", "list", "jx2026"])
        queue = surfaces.cli(who, ["queue", "list"])
        for answer in (api, tasks, audit, inbox, listed, queue):
            assert answer.outcome == "ok"
            assert name not in answer.text
        if who == "police":  # 江铃汽车 employs others police_nc may see
            assert employer not in api.text + inbox.text + listed.text + queue.text
        assert any(row["recused"] for row in tasks_json(tasks))


def tasks_json(answer: Answer) -> list[dict[str, Any]]:
    import json

    return list(json.loads(answer.text)["items"])


@pytest.mark.parametrize(("who", "full"), [("clerk_nc", False), ("team", True), ("admin", True)])
def test_the_objection_page_and_the_investigations_mask_the_objector_alike(
    access: World, who: str, full: bool
) -> None:
    surfaces = Surfaces(access)
    with UnitOfWork(access.sf) as uow:
        objection = uow.session.scalars(select(Objection.id)).one()
    answers = [surfaces.page(who, f"/objections/{objection}")]
    if full:  # the working team's own surfaces; the unit has none
        answers += [surfaces.page(who, "/office/objections"), surfaces.api(who, "/api/objections")]
    else:
        assert surfaces.page(who, "/office/objections").outcome == "403"
        assert surfaces.api(who, "/api/objections").outcome == "403"
    for answer in answers:
        assert answer.outcome == "ok"
        assert (REPORTER in answer.text) is full and (CONTACT in answer.text) is full
    # Another unit does not learn the objection exists.
    assert surfaces.page("clerk_gz", f"/objections/{objection}").outcome == "404"
