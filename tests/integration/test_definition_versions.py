"""A changed definition is a new version; campaigns and nominations keep the one they pinned."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Deadline, DefinitionVersion, Nomination
from models.uow import UnitOfWork
from tests.conftest import JIANGXI, T0, make_campaign
from tests.integration import flow
from workflow.calendar import WorkingCalendar
from workflow.services import definitions


def _changed_definition(tmp_path: Path) -> Path:
    raw = yaml.safe_load(JIANGXI.read_text(encoding="utf-8"))
    raw["stages"][0]["duration_days"] = 20  # qualification: 10 -> 20 working days
    path = tmp_path / "jiangxi-v2.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_nominations_in_flight_keep_their_version(
    sf: sessionmaker[Session], tmp_path: Path
) -> None:
    old_campaign = make_campaign(sf, code="old")
    in_flight = flow.add(sf, old_campaign)
    with UnitOfWork(sf) as uow:
        row, created = definitions.load_definition(uow, _changed_definition(tmp_path), T0)
        assert (created, row.version) == (True, 2)
        again, created_again = definitions.load_definition(uow, _changed_definition(tmp_path), T0)
        assert (created_again, again.version) == (False, 2)
    new_campaign = make_campaign(sf, code="new")  # pins the newest version
    newcomer = flow.add(sf, new_campaign)
    for nomination_id in (in_flight, newcomer):
        flow.fire(sf, nomination_id, "submit")
        flow.fire(sf, nomination_id, "begin_review")
    with UnitOfWork(sf) as uow:
        versions = {
            n.id: n.definition.version for n in uow.session.scalars(select(Nomination)).unique()
        }
        due = dict(
            uow.session.execute(
                select(Deadline.nomination_id, Deadline.due_at).where(Deadline.kind == "task_due")
            ).all()
        )
        assert (
            uow.session.scalar(
                select(DefinitionVersion.version).order_by(DefinitionVersion.version.desc())
            )
            == 2
        )
    assert versions == {in_flight: 1, newcomer: 2}
    calendar = WorkingCalendar()
    assert due[in_flight] == calendar.add_working_days(T0, 10)
    assert due[newcomer] == calendar.add_working_days(T0, 20)
