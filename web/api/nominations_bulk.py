"""Acting on many nominations at once (`POST /api/nominations/bulk`), and the list's filter.

The list itself is `GET /api/nominations` (web/api/nominations.py); both read the filter with
`NominationFilter` (workflow/queries/nomination_search.py), as the office page and the CLI do.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from web.deps import CurrentActor, Now
from web.errors import ApiError, request_locale
from workflow.queries.nomination_search import BadInput, NominationFilter
from workflow.services import bulk

router = APIRouter(tags=["nominations"])


def invalid(bad: BadInput, where: str) -> ApiError:
    """A bad filter or bulk value as the API's 422, naming the field (`query.stage`, …)."""
    return ApiError(422, "invalid", bad.message or str(bad), field=f"{where}.{bad.field}")


def parsed_filter(pairs: list[tuple[str, str]]) -> NominationFilter:
    """The list's filter from the query string; 422 naming the bad parameter."""
    try:
        return NominationFilter.from_query(pairs)
    except BadInput as bad:
        raise invalid(bad, "query") from None


class BulkIn(BaseModel):
    """The nominations (`ids`, or every one a `filter` matches), the trigger and the reason."""

    model_config = ConfigDict(extra="forbid")

    ids: list[int] | None = Field(default=None, max_length=bulk.MAX_ITEMS)
    filter: dict[str, Any] | None = Field(
        default=None, description="the list's parameters: stage, unit, category, flag, rule, q…"
    )
    trigger: str = Field(min_length=1, max_length=40)
    reason: str | None = Field(default=None, max_length=bulk.MAX_REASON)


class BulkItemOut(BaseModel):
    id: int
    ok: bool
    code: str
    message: str
    state: str | None


class BulkOut(BaseModel):
    trigger: str
    done: int
    refused: int
    results: list[BulkItemOut]


@router.post("/nominations/bulk", response_model=BulkOut)
def act_in_bulk(body: BulkIn, request: Request, actor: CurrentActor, now: Now) -> BulkOut:
    """Fire one trigger on each nomination, each in its own transaction: one item's refusal
    does not undo the others. 200 with a result per item; 422 for an empty selection, a
    trigger not allowed in bulk or a missing reason; 403 for a role that may not. The caller is
    read in the request's unit of work, whose transaction has ended before the items begin."""
    try:
        where = NominationFilter.from_mapping(body.filter) if body.filter is not None else None
    except BadInput as bad:
        raise invalid(bad, "body.filter") from None
    try:
        selection = bulk.Selection(tuple(body.ids or ()), where)
        results = bulk.act_on_each(
            request.app.state.wiring.new_uow, actor, selection, body.trigger, now,
            reason=body.reason,
        )  # fmt: skip
    except BadInput as bad:
        raise invalid(bad, "body") from None
    locale = request_locale(request)
    done, refused = bulk.summary(results)
    items = [
        BulkItemOut(id=r.id, ok=r.ok, code=r.code, message=r.message.render(locale), state=r.state)
        for r in results
    ]
    return BulkOut(trigger=body.trigger, done=done, refused=refused, results=items)
