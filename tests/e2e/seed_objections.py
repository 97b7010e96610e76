"""What the objection pages' tests add to the seeded campaign: gz's clerk, a second gz nominee
under notice, and (for the page scans) an objection answered with files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from models.uow import UnitOfWork
from tests.attachment_files import PDF, png
from tests.conftest import ADMIN, T0
from tests.e2e.seed import PASSWORD, Seeded
from tests.integration.flow import TEAM, add, to_notice
from workflow.actors import Actor
from workflow.attachments.content import Upload
from workflow.attachments.store import FileStore
from workflow.services import objections, users
from workflow.services.attachments import Files

GZ_CLERK = "gz-clerk"
GZ = Actor("赣州经办人", "unit_clerk", unit_code="gz")


@dataclass(frozen=True)
class ObjectionSeed:
    first: int  # 李公示 (the seed's nominee under notice)
    second: int  # 赵公示


def seed_objection_people(sf: sessionmaker[Session], seeded: Seeded) -> ObjectionSeed:
    """gz's clerk account and a second gz nominee under notice."""
    with UnitOfWork(sf) as uow:
        users.create_user(
            uow, username=GZ_CLERK, display_name="赣州经办人", password=PASSWORD,
            role="unit_clerk", unit_code="gz", actor=ADMIN, now=T0,
        )  # fmt: skip
    second = add(sf, seeded.campaign_id, "gz", "赵公示")
    to_notice(sf, second)
    return ObjectionSeed(seeded.under_notice, second)


def answered_objection(sf: sessionmaker[Session], nomination: int, folder: Path) -> int:
    """An objection recorded by the team with a call note, answered by gz with its report."""
    store = FileStore(folder)
    data = objections.ObjectionInput(
        "letter", "来信反映其事迹材料存在夸大", date(2026, 3, 3), "李四", "13900001111"
    )
    note = Files(store, (Upload("来信.pdf", PDF),))
    with UnitOfWork(sf) as uow:
        objection = objections.record_for_team(uow, TEAM, nomination, data, T0, note).id
    report = Files(store, (Upload("核查报告.png", png()),))
    with UnitOfWork(sf) as uow:
        objections.answer_objection(uow, objection, "经核查，反映不实", GZ, T0, report)
    return objection
