"""The decision and its preview share one plan: what the preview shows is what is recorded."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from models import Campaign
from models.uow import UnitOfWork
from tests.conftest import make_campaign
from tests.integration.flow import BALANCED, SECRETARY, TEAM, add, status, to_committee
from tests.integration.test_services_decision import DECIDED
from workflow.errors import ConcurrentChange, InvalidDecision, InvalidState, PermissionDenied
from workflow.queries import decision as read
from workflow.services import committee


def _campaign(sf: sessionmaker[Session]) -> tuple[int, int, int, int]:
    campaign_id = make_campaign(sf)
    woman = add(sf, campaign_id, "nc", "甲", **BALANCED)
    man = add(sf, campaign_id, "gz", "乙")
    alternate = add(sf, campaign_id, "gz", "丙", rank="alternate", order=1)
    for nominee in (woman, man, alternate):
        to_committee(sf, nominee)
    return campaign_id, woman, man, alternate


def test_the_preview_is_what_the_decision_records(sf: sessionmaker[Session]) -> None:
    campaign_id, woman, man, alternate = _campaign(sf)
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        assert campaign is not None
        shown = read.decision_preview(uow, SECRETARY, campaign, [woman])
        approved = [r.id for r in shown.approved]
        not_approved = [r.id for r in shown.not_approved]
        missed = [r.rule_id for r in shown.missed]
        with pytest.raises(PermissionDenied):
            read.decision_preview(uow, TEAM, campaign)
    assert approved == [man] and not_approved == [woman, alternate]
    assert missed and shown.needs_override and shown.decidable

    with UnitOfWork(sf) as uow:
        done = committee.decide(
            uow, campaign_id, SECRETARY, DECIDED, exceptions={woman: "考察发现问题"},
            override_reason="同意", expected=[woman, man, alternate],
        )  # fmt: skip
    assert (done.awarded, done.not_approved) == (approved, not_approved)
    assert status(sf, alternate).status == "not_approved"
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        assert campaign is not None
        final = read.final_list(uow, TEAM, campaign)
        assert [h.name for g in final.groups for h in g.honourees] == ["乙"]
        assert final.decided_at is not None and final.override == "同意"


def test_refusals_before_anything_is_written(sf: sessionmaker[Session]) -> None:
    campaign_id, woman, man, alternate = _campaign(sf)

    def decide(**kwargs: object) -> None:
        with UnitOfWork(sf) as uow:
            committee.decide(uow, campaign_id, SECRETARY, DECIDED, **kwargs)  # type: ignore[arg-type]

    with pytest.raises(InvalidDecision, match=str(man)):
        decide(exceptions={man: " "})
    with pytest.raises(InvalidDecision, match="不在审定名单上"):
        decide(exceptions={9999: "无此人"})
    with pytest.raises(ConcurrentChange):
        decide(expected=[woman, man])  # the alternate arrived after the list was confirmed
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        assert campaign is not None
        with pytest.raises(InvalidState):
            read.final_list(uow, SECRETARY, campaign)  # not decided yet
    assert {status(sf, n).status for n in (woman, man, alternate)} == {"committee"}


def test_the_plan_read_a_row_at_a_time_is_the_plan_read_at_once(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id, woman, man, alternate = _campaign(sf)

    def plan() -> tuple[list[committee.Candidate], list[int], list[int], list[str]]:
        with UnitOfWork(sf) as uow:
            campaign = uow.session.get_one(Campaign, campaign_id)
            found = committee.plan_decision(uow, campaign, [woman])
            figures = [
                f"{r.rule_id}:{r.status}:{r.count}/{r.base_count}" for r in found.composition
            ]
            return list(found.before), found.approved.ids(), found.not_approved.ids(), figures

    whole = plan()
    monkeypatch.setattr(committee, "_READ_CHUNK", 1)  # every row fetched on its own
    assert plan() == whole
    before, approved, not_approved, _ = whole
    assert before == [(woman, "main"), (man, "main"), (alternate, "alternate")]
    assert (approved, not_approved) == ([man], [woman, alternate])


def test_candidates_are_packed_and_read_back_in_order() -> None:
    packed = committee.Candidates()
    for id_, rank in ((3, "main"), (2**40, "alternate"), (7, "main")):
        packed.append(id_, rank)
    assert list(packed) == [(3, "main"), (2**40, "alternate"), (7, "main")]
    assert len(packed) == 3 and packed.ids() == [3, 2**40, 7]
    assert committee.Candidate(7, "main") in packed and (7, "alternate") not in packed
    assert not committee.Candidates()
