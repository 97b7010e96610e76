"""The official notice in a browser: its contacts on the page, and printed on A4 portrait it
fits the page's width with no name or date wrapping and the objection form left out."""

from __future__ import annotations

from typing import Any

from models.uow import UnitOfWork
from tests.conftest import ADMIN
from tests.e2e.conftest import LiveServer, SeededDb, shot
from tests.e2e.seed import NOW
from workflow.campaign_office import OfficeInput
from workflow.services.campaign_office import set_office

OFFICE = OfficeInput(
    office_name="江西省功勋荣誉表彰工作领导小组办公室",
    office_phone="0791-86123456",
    office_address="江西省南昌市红谷滩区卧龙路999号",
    office_postcode="330038",
    admin_email="gongshi@jx.example.org",
)
# A4 is 210 mm wide; the documents' stylesheet leaves 20 mm each side: 170 mm at 96 px/inch.
A4_TEXT_WIDTH = round(170 / 25.4 * 96)
# Each cell of a name, a 序号 or a short field, and the dates: their text on one line.
WRAPPED = """() => [...document.querySelectorAll(
    '#notice-list td.name, #notice-list td.num, #notice-list td.short, .signature .date, '
    + '.signature .office')].filter(el => {
  const range = document.createRange(); range.selectNodeContents(el);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return tops.size > 1; }).map(el => el.textContent)"""


def with_office(seeded_db: SeededDb) -> None:
    with UnitOfWork(seeded_db.sf) as uow:
        set_office(uow, seeded_db.seeded.campaign_id, OFFICE, ADMIN, NOW)


def test_the_public_notice_shows_how_to_reach_the_office(
    page: Any, live_server: LiveServer, seeded_db: SeededDb
) -> None:
    with_office(seeded_db)
    page.goto(f"{live_server.url}/notice/jx2026")
    contacts = page.locator("#how-to-object").inner_text()
    assert "联系电话：0791-86123456" in contacts
    assert "通信地址：江西省南昌市红谷滩区卧龙路999号（邮政编码：330038）" in contacts
    assert "电子邮箱：gongshi@jx.example.org" in contacts
    assert "匿名" in contacts  # the rules on real names and anonymous reports
    assert "公示时间：" in page.locator("#notice-period").inner_text()
    assert "江西省功勋荣誉表彰工作领导小组办公室" in page.locator("#notice-signature").inner_text()
    headers = page.locator("#notice-list thead th").all_inner_texts()
    assert headers == ["序号", "姓名", "性别", "民族", "工作单位及职务（职称）"]
    pdf = page.request.get(f"{live_server.url}/notice/jx2026.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    shot(page, "official-notice")


def test_the_printed_notice_fits_a4_portrait(
    browser: Any, live_server: LiveServer, seeded_db: SeededDb
) -> None:
    with_office(seeded_db)
    context = browser.new_context(viewport={"width": A4_TEXT_WIDTH, "height": 1000}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/notice/jx2026")
        page.emulate_media(media="print")
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"printed notice is {widths[0]}px on a {widths[1]}px page"
        table = page.locator("#notice-list").bounding_box()
        assert table is not None and table["x"] + table["width"] <= A4_TEXT_WIDTH
        assert page.evaluate(WRAPPED) == []
        assert not page.locator("#object").is_visible()  # the web form is not printed
        assert not page.locator("header.top").is_visible()
        # The table's header is a header group: printed again at the top of every page.
        display = page.evaluate(
            "getComputedStyle(document.querySelector('#notice-list thead')).display"
        )
        assert display == "table-header-group"
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        assert pdf.startswith(b"%PDF")
    finally:
        context.close()
