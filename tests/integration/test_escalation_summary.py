"""Escalations to the campaign office: one summary per sweep and campaign, none lost."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from notifications.contexts import context_from
from tests.conftest import make_campaign
from tests.integration.flow import add, fire
from tests.integration.sweep_steps import local, messages, sweep
from workflow.services import deadlines

OVERDUE = local("2026-03-17 00:00")  # the qualification tasks of 2 March are overdue


def in_qualification(sf: sessionmaker[Session], campaign_id: int, names: list[str]) -> None:
    for name in names:
        nomination = add(sf, campaign_id, name=name)
        fire(sf, nomination, "submit")
        fire(sf, nomination, "begin_review")


def test_one_sweep_sends_the_office_one_summary_per_campaign(sf: sessionmaker[Session]) -> None:
    first = make_campaign(sf)
    second = make_campaign(sf, code="jx2026b")
    in_qualification(sf, first, ["张三", "李四", "王五"])
    in_qualification(sf, second, ["赵六"])
    result = sweep(sf, OVERDUE)
    assert result.kinds["task_due"] == 4 and result.summaries == 2
    held = messages(sf, "escalation")
    assert {(m.recipient, m.status) for m in held} == {("office@example.org", "digested")}
    summaries = messages(sf, "escalation_summary")
    assert [(m.campaign_id, m.recipient, m.status) for m in summaries] == [
        (first, "office@example.org", "pending"),
        (second, "office@example.org", "pending"),
    ]
    names = [
        [line.nominee for line in context_from(m.kind, m.context).escalations]  # type: ignore[attr-defined]
        for m in summaries
    ]
    assert names == [["张三", "李四", "王五"], ["赵六"]]
    # Nothing more is due: the next sweep folds nothing and sends nothing.
    assert sweep(sf, OVERDUE).summaries == 0
    assert len(messages(sf, "escalation_summary")) == 2


def test_escalations_held_by_a_sweep_that_died_go_out_with_the_next(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    in_qualification(sf, make_campaign(sf), ["张三", "李四"])

    def dies(*_: object) -> int:
        raise RuntimeError("the sweep's process ended here")

    monkeypatch.setattr(deadlines, "fold_office_escalations", dies)
    with pytest.raises(RuntimeError):
        sweep(sf, OVERDUE)
    # The deadlines fired and committed; their escalations wait, held, not sent one by one.
    assert {m.status for m in messages(sf, "escalation")} == {"held"}
    assert messages(sf, "escalation_summary") == []
    monkeypatch.undo()
    assert sweep(sf, OVERDUE).summaries == 1
    [summary] = messages(sf, "escalation_summary")
    assert len(summary.context["escalations"]) == 2
    assert {m.status for m in messages(sf, "escalation")} == {"digested"}
