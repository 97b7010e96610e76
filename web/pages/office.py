"""The working team's page of nominations across units: filter, search, sort, page, select."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.deps import Uow
from web.pages.context import LoggedIn
from web.pages.helpers import page_globals, refusal
from web.pages.render import render
from workflow.queries.nomination_search import BadInput, NominationFilter
from workflow.queries.office import office_listing

router = APIRouter()


@router.get("/office/nominations")
def office_nominations(request: Request, viewer: LoggedIn, uow: Uow) -> Response:
    """Every nomination the working team may see, filtered by the URL's query string."""
    error, status = None, 200
    try:
        where = NominationFilter.from_query(request.query_params.multi_items())
    except BadInput as bad:  # show the page unfiltered, saying which value was refused
        where, error, status = NominationFilter(), refusal(request, bad), 422
    listing = office_listing(uow, viewer.actor, where)
    context = {
        "listing": listing,
        "f": listing.filter,
        "error": error,
        **page_globals(uow, viewer),
    }
    return render(request, "office_nominations.html", context, status)
