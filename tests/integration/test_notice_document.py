"""The official notice and the final list as documents: the PDF's text read back with
pdftotext (period, contacts, office, date, every name; no identity number or birth date),
the campaign office's refusals, and objection reference numbers."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from documents import render as documents
from models import Campaign
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, make_campaign
from tests.integration import flow
from workflow.campaign_office import OfficeInput
from workflow.errors import InvalidInput, InvalidState, PermissionDenied
from workflow.objection_reference import PATTERN
from workflow.queries.notice import final_list_document, notice_document
from workflow.services import committee
from workflow.services.campaign_office import set_office
from workflow.services.objections import ObjectionInput, record_objection

OFFICE = OfficeInput(
    office_name="江西省功勋荣誉表彰工作领导小组办公室",
    office_phone="0791-86123456",
    office_address="江西省南昌市红谷滩区卧龙路999号",
    office_postcode="330038",
    admin_email="gongshi@jx.example.org",
)
NAMES = ("李公示", "王后备", "赵赣州")
ID_NUMBER = "360102198001011234"
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


def pdf_text(data: bytes, folder: Path) -> str:
    """The text of a PDF as pdftotext reads it, its lines joined as laid out."""
    path = folder / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def noticed(sf: sessionmaker[Session]) -> int:
    """A campaign with its office set and three nominees (one an alternate) under notice."""
    campaign_id = make_campaign(sf)
    with UnitOfWork(sf) as uow:
        set_office(uow, campaign_id, OFFICE, ADMIN, T0)
    ids = [
        flow.add(sf, campaign_id, "nc", NAMES[0], id_number=ID_NUMBER, phone="13907910000"),
        flow.add(sf, campaign_id, "nc", NAMES[1], rank="alternate", order=1),
        flow.add(sf, campaign_id, "gz", NAMES[2], ethnicity="畲族"),
    ]
    for nid in ids:
        flow.to_notice(sf, nid)
    return campaign_id


@needs_pdftotext
def test_the_notice_pdf_says_period_contacts_office_date_and_every_name(
    sf: sessionmaker[Session], tmp_path: Path
) -> None:
    campaign_id = noticed(sf)
    with UnitOfWork(sf) as uow:
        doc = notice_document(uow, uow.session.get_one(Campaign, campaign_id))
        data = documents.pdf(documents.notice_html(doc))
    assert data.startswith(b"%PDF")
    words = pdf_text(data, tmp_path)
    flat = re.sub(r"\s+", "", words)
    # Entered Monday 2 March (issued that day); five working days from Tuesday to Monday.
    assert "公示时间：2026年3月3日至3月9日（5个工作日）" in flat
    assert "关于测试评选拟表彰对象的公示" in flat
    assert "联系电话：0791-86123456" in flat
    assert "通信地址：江西省南昌市红谷滩区卧龙路999号（邮政编码：330038）" in flat
    assert "电子邮箱：gongshi@jx.example.org" in flat
    assert "江西省功勋荣誉表彰工作领导小组办公室2026年3月2日" in flat  # 落款, then the date
    for name in NAMES:
        assert name in words  # a name never wraps inside its cell
    assert "南昌市总工会" in flat and "赣州市总工会" in flat  # grouped by unit
    assert "序号" in flat and "工作单位及职务（职称）" in flat
    for secret in (ID_NUMBER, "13907910000", "1980年1月1日", "1980-01-01", "出生"):
        assert secret not in flat
    # The 落款 stands at the right: its line begins far into the page's width.
    signature = next(line for line in words.splitlines() if line.strip() == OFFICE.office_name)
    assert len(signature) - len(signature.lstrip()) > 20


@needs_pdftotext
def test_the_final_list_pdf_after_the_decision(sf: sessionmaker[Session], tmp_path: Path) -> None:
    campaign_id = make_campaign(sf)
    nid = flow.add(sf, campaign_id, "gz", "钱审定", ethnicity="回族")
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState):  # before the decision: refused
        final_list_document(uow, flow.SECRETARY, uow.session.get_one(Campaign, campaign_id))
    flow.to_committee(sf, nid)
    with UnitOfWork(sf) as uow:
        later = flow.AFTER_NOTICE + timedelta(hours=1)
        committee.decide(uow, campaign_id, flow.SECRETARY, later, override_reason="测试名单")
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get_one(Campaign, campaign_id)
        with pytest.raises(PermissionDenied):  # a unit clerk is not who reads the final list
            final_list_document(uow, flow.clerk("gz"), campaign)
        doc = final_list_document(uow, flow.SECRETARY, campaign)
        words = re.sub(
            r"\s+", "", pdf_text(documents.pdf(documents.final_list_html(doc)), tmp_path)
        )
    assert "测试评选名单" in words and "钱审定（回族）" in words and "赣州市总工会" in words


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"office_phone": "86123456"}, "office_phone"),  # no area code
        ({"office_phone": "0791-861"}, "office_phone"),
        ({"admin_email": "not-an-address"}, "admin_email"),
        ({"office_postcode": "33003"}, "office_postcode"),
        ({"office_name": "  "}, "office_name"),
        ({"notice_opening": "字" * 2001}, "notice_opening"),
    ],
)
def test_a_bad_office_value_is_refused_naming_its_field(
    sqlite_sf: sessionmaker[Session], changes: dict[str, str], field: str
) -> None:
    campaign_id = make_campaign(sqlite_sf)
    with UnitOfWork(sqlite_sf) as uow, pytest.raises(InvalidInput) as refused:
        set_office(uow, campaign_id, OfficeInput(**changes), ADMIN, T0)
    assert refused.value.field == field


def test_only_an_administrator_sets_the_office(sqlite_sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sqlite_sf)
    for actor in (flow.TEAM, flow.SECRETARY, flow.clerk("nc")):
        with UnitOfWork(sqlite_sf) as uow, pytest.raises(PermissionDenied):
            set_office(uow, campaign_id, OFFICE, actor, T0)


def test_the_wording_is_the_campaigns_or_the_default(sqlite_sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sqlite_sf)
    with UnitOfWork(sqlite_sf) as uow:
        office = set_office(uow, campaign_id, OfficeInput(notice_title="关于某某的公示"), ADMIN, T0)
    assert office.title == "关于某某的公示" and not office.title_is_default
    assert office.opening_is_default and "测试评选" in office.opening
    with UnitOfWork(sqlite_sf) as uow:
        office = set_office(uow, campaign_id, OfficeInput(notice_title=""), ADMIN, T0)
    assert office.title == "关于测试评选拟表彰对象的公示"


def test_every_objection_gets_a_random_reference(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    nid = flow.add(sf, campaign_id, "nc", "李公示")
    flow.to_notice(sf, nid)
    data = ObjectionInput("web", "反映问题", T0.date(), reporter_name="赵举报", contact="138")
    references = []
    for _ in range(3):
        with UnitOfWork(sf) as uow:
            references.append(record_objection(uow, nid, data, flow.TEAM, T0).reference)
    assert all(r is not None and PATTERN.fullmatch(r) and r.startswith("2026-") for r in references)
    assert len(set(references)) == 3
