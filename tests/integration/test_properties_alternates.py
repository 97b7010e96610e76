"""Alternates step up only into a free place of their own category."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from models import Nomination
from models.uow import UnitOfWork
from tests.conftest import JIANGXI, T0, make_campaign
from tests.integration.procedure_model import (
    ENTRIES,
    QUOTAS,
    Entry,
    add_entries,
    eligible_facts,
    walk,
)
from workflow.services import campaigns

# --- alternates step up only into a free place ----------------------------------------------


def ranks(sf: sessionmaker[Session], ids: list[int]) -> list[tuple[str, str]]:
    with UnitOfWork(sf) as uow:
        return [(row.rank, row.status) for row in (uow.session.get_one(Nomination, i) for i in ids)]


def test_a_draft_main_leaving_frees_no_place(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf, JIANGXI, QUOTAS)
    ids = add_entries(sf, campaign_id, ENTRIES[:4])  # nc: three mains for 2 places, alternate 1
    main1, main2, draft_main, alternate = ids
    for nomination_id in (main1, main2, alternate):
        walk(sf, nomination_id, ["submit"], T0)
    walk(sf, draft_main, ["withdraw"], T0)
    assert ranks(sf, ids)[3] == ("alternate", "submitted")
    # A main that held a place leaves: the submitted alternate takes it.
    walk(sf, main2, ["withdraw"], T0)
    assert ranks(sf, ids) == [
        ("main", "submitted"),
        ("main", "withdrawn"),
        ("main", "withdrawn"),
        ("main", "submitted"),
    ]


def test_an_alternate_does_not_step_into_another_category(sf: sessionmaker[Session]) -> None:
    quotas = [
        campaigns.UnitQuota("nc", "南昌市总工会", 1, category="front_line_worker"),
        campaigns.UnitQuota("nc", "南昌市总工会", 1, category="enterprise_head"),
    ]
    campaign_id = make_campaign(sf, JIANGXI, quotas)
    worker, head, alternate = add_entries(
        sf,
        campaign_id,
        [
            Entry("nc", "main", None, eligible_facts("甲一")),
            Entry("nc", "main", None, eligible_facts("甲二", category="enterprise_head")),
            Entry("nc", "alternate", 1, eligible_facts("甲三")),
        ],
    )
    for nomination_id in (worker, head, alternate):
        walk(sf, nomination_id, ["submit"], T0)
    walk(sf, head, ["withdraw"], T0)
    # The freed place is an enterprise head's; the front-line places are all taken.
    assert ranks(sf, [worker, head, alternate]) == [
        ("main", "submitted"),
        ("main", "withdrawn"),
        ("alternate", "submitted"),
    ]
    walk(sf, worker, ["withdraw"], T0)
    assert ranks(sf, [alternate]) == [("main", "submitted")]
