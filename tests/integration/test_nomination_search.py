"""The office list's filter and the one bulk path, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, make_campaign
from tests.integration import flow
from workflow.actors import Actor
from workflow.errors import PermissionDenied
from workflow.facts import PriorHonour
from workflow.queries import rule_filter
from workflow.queries.nomination_filter import FLAG_NAMES, SORT_COLUMNS
from workflow.queries.nomination_search import (
    FLAGS,
    MAX_SIZE,
    SORTS,
    BadInput,
    NominationFilter,
    search_nominations,
)
from workflow.services import bulk
from workflow.services.campaigns import UnitQuota

POLICE = Actor("警审", "department_reviewer", department="police")


@dataclass
class Office:
    sf: sessionmaker[Session]
    n: dict[str, int]


@pytest.fixture
def office(sf: sessionmaker[Session]) -> Office:
    quotas = [UnitQuota("nc", "南昌市总工会", 50), UnitQuota("gz", "赣州市总工会", 50)]
    cid = make_campaign(sf, quotas=quotas)
    n = {
        "zhang": flow.add(sf, cid, "nc", "张三", employer="江铃汽车"),
        "li": flow.add(
            sf, cid, "nc", "李%四", employer="百分_公司", gig_worker=True, category="gig_worker"
        ),
        "wang": flow.add(sf, cid, "nc", "王五", employer="恒_通", gender="F", disability=True),
        "acme": flow.add(sf, cid, "nc", "赵钢", employer="ACME Steel"),
        "zhao": flow.add(sf, cid, "gz", "赵六", employer="赣南脐橙", ethnicity="回族"),
        "qian": flow.add(
            sf,
            cid,
            "gz",
            "钱七",
            employer="赣州稀土",
            migrant_worker=True,
            prior_honours=(PriorHonour("江西省劳动模范", "provincial", 2024),),
        ),
    }
    for key in ("zhang", "li", "wang", "zhao"):
        flow.fire(sf, n[key], "submit")
    flow.fire(sf, n["li"], "begin_review")
    return Office(sf, n)


def names(o: Office, actor: Actor, *pairs: tuple[str, str]) -> list[str]:
    with UnitOfWork(o.sf) as uow:
        found = search_nominations(uow, actor, NominationFilter.from_query(pairs))
        return [n.name for n in found.items]


def test_each_filter_narrows_the_list(office: Office) -> None:
    assert len(names(office, ADMIN, ("campaign", "jx2026"))) == 6
    assert names(office, ADMIN, ("stage", "qualification")) == ["李%四"]
    assert names(office, ADMIN, ("status", "draft")) == ["赵钢", "钱七"]  # the older name
    assert names(office, ADMIN, ("unit", "gz")) == ["赵六", "钱七"]
    assert names(office, ADMIN, ("category", "gig_worker")) == ["李%四"]
    assert names(office, ADMIN, ("flag", "gig_worker")) == ["李%四"]
    assert names(office, ADMIN, ("flag", "female"), ("flag", "disability")) == ["王五"]
    assert names(office, ADMIN, ("flag", "minority")) == ["赵六"]
    assert names(office, ADMIN, ("flag", "migrant_worker"), ("unit", "gz")) == ["钱七"]
    assert names(office, ADMIN, ("flag", "migrant_worker"), ("unit", "nc")) == []


def test_search_is_a_substring_of_name_or_employer_with_wildcards_taken_literally(
    office: Office,
) -> None:
    assert names(office, ADMIN, ("q", "%")) == ["李%四"]
    assert names(office, ADMIN, ("q", "_")) == ["李%四", "王五"]
    assert names(office, ADMIN, ("q", "acme")) == ["赵钢"]  # any case
    assert names(office, ADMIN, ("q", "江铃")) == ["张三"]
    assert names(office, ADMIN, ("q", "赵")) == ["赵钢", "赵六"]


def test_a_failing_rule_finds_who_fails_it(office: Office) -> None:
    assert names(office, ADMIN, ("rule", "prior_honour")) == ["钱七"]
    assert names(office, ADMIN, ("rule", "prior_honour"), ("unit", "nc")) == []
    with pytest.raises(BadInput) as refused:
        NominationFilter.from_query([("rule", "no_such_rule")])
    assert refused.value.field == "rule"


def test_every_listed_column_and_flag_has_its_clause() -> None:
    assert set(SORTS) == set(SORT_COLUMNS) and set(FLAGS) == set(FLAG_NAMES)


def test_sorting_takes_only_listed_columns(office: Office) -> None:
    ordered = names(office, ADMIN, ("sort", "-name"))
    assert ordered == sorted(ordered, reverse=True)
    by_unit = names(office, ADMIN, ("sort", "unit"))
    assert by_unit[:2] == ["赵六", "钱七"]  # gz before nc, ties by id
    for bad in ("password", "name; drop table nominations", "--name", "facts"):
        with pytest.raises(BadInput) as refused:
            NominationFilter.from_query([("sort", bad)])
        assert refused.value.field == "sort"


@pytest.mark.parametrize(
    ("key", "value"),
    [("size", "0"), ("size", str(MAX_SIZE + 1)), ("page", "0"), ("page", "x"), ("size", "-1")],
)
def test_paging_is_bounded(key: str, value: str) -> None:
    with pytest.raises(BadInput) as refused:
        NominationFilter.from_query([(key, value)])
    assert refused.value.field == key


def test_pages_cover_the_list_once(office: Office) -> None:
    seen: list[str] = []
    for number in (1, 2, 3, 4):
        with UnitOfWork(office.sf) as uow:
            where = NominationFilter(size=2, page=number)
            found = search_nominations(uow, ADMIN, where)
            assert found.total == 6
            seen += [n.name for n in found.items]
    assert len(seen) == 6 and len(set(seen)) == 6


def test_the_filter_round_trips_through_the_query_string() -> None:
    where = NominationFilter.from_query(
        [("campaign", "jx2026"), ("stage", "qualification"), ("flag", "female"),
         ("flag", "disability"), ("q", "50%_x"), ("sort", "-updated"), ("page", "3"),
         ("size", "20"), ("lang", "en"), ("unit", "")]
    )  # fmt: skip
    assert NominationFilter.from_query(where.to_query()) == where
    assert where.link(sort="name").startswith("?campaign=jx2026&stage=qualification")
    assert "page=" not in where.link(sort="name")  # a new order starts at page 1
    assert "page=4" in where.link(page=4)
    assert NominationFilter().to_query() == []


def test_a_clerk_never_gets_another_units_rows(office: Office) -> None:
    clerk = flow.clerk("nc")
    everything = names(office, clerk)
    assert set(everything) == {"张三", "李%四", "王五", "赵钢"}
    for pairs in (
        [("unit", "gz")],
        [("q", "赵六")],
        [("flag", "minority")],
        [("flag", "migrant_worker")],
        [("rule", "prior_honour")],
        [("sort", "unit"), ("size", "200")],
    ):
        assert not {"赵六", "钱七"} & set(names(office, clerk, *pairs)), pairs


def test_the_working_team_sees_its_stages_only(office: Office) -> None:
    assert set(names(office, flow.TEAM)) == {"张三", "李%四", "王五", "赵六"}
    assert names(office, flow.TEAM, ("stage", "draft")) == []


def _events(sf: sessionmaker[Session], trigger: str) -> int:
    with UnitOfWork(sf) as uow:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.trigger == trigger)
        return int(uow.session.scalar(query) or 0)


def test_each_item_is_its_own_transaction(office: Office) -> None:
    n = office.n
    ids = (n["zhang"], n["li"], n["acme"], n["zhao"], 999_999)
    results = bulk.act_on_each(
        lambda: UnitOfWork(office.sf), flow.TEAM, bulk.Selection(ids), "begin_review", T0
    )
    assert [(r.id, r.ok, r.code) for r in results] == [
        (n["zhang"], True, "done"),
        (n["li"], False, "transition_not_allowed"),  # already in review
        (n["acme"], False, "not_found"),  # a draft: out of the team's sight
        (n["zhao"], True, "done"),
        (999_999, False, "not_found"),
    ]
    assert results[0].state == "qualification" and results[0].name == "张三"
    assert results[1].state == "qualification" and results[1].name == "李%四"
    assert results[2].state is None and results[2].name is None  # nothing told about it
    assert flow.status(office.sf, n["zhang"]).status == "qualification"
    assert flow.status(office.sf, n["zhao"]).status == "qualification"
    assert flow.status(office.sf, n["acme"]).status == "draft"
    assert _events(office.sf, "begin_review") == 3  # li's earlier one, and one per item


def test_a_bulk_pass_by_filter_and_a_return_needs_a_reason(office: Office) -> None:
    new_uow = lambda: UnitOfWork(office.sf)  # noqa: E731
    where = NominationFilter(campaign="jx2026", stage="submitted")
    begun = bulk.act_on_each(new_uow, flow.TEAM, bulk.Selection(filter=where), "begin_review", T0)
    assert len(begun) == 3 and all(r.ok for r in begun)
    in_review = bulk.Selection(filter=NominationFilter(stage="qualification"))
    with pytest.raises(BadInput) as refused:
        bulk.act_on_each(new_uow, flow.TEAM, in_review, "return_material", T0, reason=" ")
    assert refused.value.field == "reason"
    returned = bulk.act_on_each(
        new_uow, flow.TEAM, in_review, "return_material", T0, reason="请补充事迹材料"
    )
    assert {r.state for r in returned} == {"qualification_returned"} and len(returned) == 4


def test_the_request_is_refused_as_a_whole_before_anything_moves(office: Office) -> None:
    new_uow = lambda: UnitOfWork(office.sf)  # noqa: E731
    ids = bulk.Selection((office.n["zhang"],))
    with pytest.raises(BadInput) as refused:
        bulk.act_on_each(new_uow, flow.TEAM, ids, "fail", T0)
    assert refused.value.field == "trigger"
    with pytest.raises(PermissionDenied):
        bulk.act_on_each(new_uow, POLICE, ids, "begin_review", T0)
    with pytest.raises(PermissionDenied):
        bulk.act_on_each(new_uow, flow.clerk("nc"), ids, "pass", T0)
    with pytest.raises(BadInput) as empty:
        bulk.act_on_each(new_uow, flow.TEAM, bulk.Selection(()), "begin_review", T0)
    assert empty.value.field == "ids"
    nothing = bulk.Selection(filter=NominationFilter(stage="inspection"))
    with pytest.raises(BadInput):
        bulk.act_on_each(new_uow, flow.TEAM, nothing, "begin_review", T0)
    two = bulk.Selection((office.n["zhang"], office.n["wang"]))
    with pytest.raises(BadInput):
        bulk.act_on_each(new_uow, flow.TEAM, two, "begin_review", T0, cap=1)
    assert flow.status(office.sf, office.n["zhang"]).status == "submitted"


def test_a_unit_submits_its_drafts_at_once_each_checked(office: Office) -> None:
    new_uow = lambda: UnitOfWork(office.sf)  # noqa: E731
    drafts = bulk.Selection(filter=NominationFilter(stage="draft"))
    results = bulk.act_on_each(new_uow, flow.clerk("gz"), drafts, "submit", T0)
    assert [(r.name, r.ok) for r in results] == [("钱七", True)]
    assert flow.status(office.sf, office.n["qian"]).birth_date == date(1980, 1, 1)


def test_a_failing_rule_over_too_many_candidates_asks_to_narrow(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rule_filter, "RULE_SCAN_LIMIT", 3)
    with pytest.raises(BadInput) as refused:
        names(office, ADMIN, ("rule", "prior_honour"))
    assert refused.value.field == "rule"
    assert names(office, ADMIN, ("rule", "prior_honour"), ("unit", "gz")) == ["钱七"]
