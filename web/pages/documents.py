"""The documents as files: the notice as PDF (public while it runs), the final list as PDF
(as the final list page allows, after the decision), and the documents' stylesheet.

Registered before the notice page, so that `/notice/<code>.pdf` is not read as a code.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from config.catalogue import msg
from documents import render as documents
from web.deps import Uow
from web.pages.context import LoggedIn
from web.pages.render import language
from workflow.errors import NotFound
from workflow.queries.notice import final_list_document, notice_document
from workflow.services.campaigns import find_campaign
from workflow.services.notice import notice_campaign

router = APIRouter()


def pdf_response(data: bytes, name: str) -> Response:
    """A PDF shown in the browser, saved under a plain ASCII name."""
    disposition = f'inline; filename="{name}.pdf"'
    headers = {"Content-Disposition": disposition}
    return Response(data, media_type="application/pdf", headers=headers)


@router.get("/documents.css")
def stylesheet() -> Response:
    """The documents' layout, linked by the notice page (screen and print)."""
    return Response(documents.stylesheet(), media_type="text/css")


@router.get("/notice/{code}.pdf")
def notice_pdf(request: Request, code: str, uow: Uow) -> Response:
    """The official notice as PDF, while someone is under notice (else 404)."""
    doc = notice_document(uow, notice_campaign(uow, code), language(request))
    if not doc.count:
        raise NotFound(msg("notice_doc.no_notice"))
    html = documents.notice_html(doc, language(request))
    return pdf_response(documents.pdf(html), f"notice-{doc.campaign.code}")


@router.get("/final-list/{code}.pdf")
def final_list_pdf(request: Request, code: str, viewer: LoggedIn, uow: Uow) -> Response:
    """The final list (表彰名单) as PDF: who may read the final list, after the decision."""
    campaign = find_campaign(uow, code)
    doc = final_list_document(uow, viewer.actor, campaign, language(request))
    html = documents.final_list_html(doc, language(request))
    return pdf_response(documents.pdf(html), f"final-list-{campaign.code}")
