"""Acting on many nominations at once: the one bulk path of the API, the pages and the CLI.

`act_on_each` checks the request once (a trigger allowed in bulk, the role that may send it, a
reason where one is required, a selection that is neither empty nor over the cap), then fires
the trigger on each selected nomination through `workflow.services.actions.act` — visibility,
then the one path `transitions.fire` with `authorise`, guards, audit and outbox — each in its
OWN unit of work, opened from the factory the entry point was wired with
(`config.wiring.Wiring.new_uow`). One item's refusal does not undo the others: each item's
result says whether it moved, and if not, why (a code and a Message), in the order asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from config.catalogue import Label, Message, msg
from config.errors import HonorflowError
from models import Nomination
from models.uow import UnitOfWork
from workflow import errors as e
from workflow.access.bulk import REASON_REQUIRED, bulk_trigger_problem, require_bulk
from workflow.actors import Actor
from workflow.queries.nomination_search import BadInput, NominationFilter, matching_ids
from workflow.services.actions import act

UowFactory = Callable[[], UnitOfWork]
MAX_ITEMS = 500  # nominations one bulk request may act on
MAX_REASON = 2000

# The per-item code of a refusal (the same codes as the API's errors), most specific first.
CODES: tuple[tuple[type[HonorflowError], str], ...] = (
    (e.NotFound, "not_found"),
    (e.TransitionNotAllowed, "transition_not_allowed"),
    (e.ConcurrentChange, "concurrent_change"),
    (e.Recused, "recused"),
    (e.PermissionDenied, "permission_denied"),
    (e.GuardFailed, "guard_failed"),
    (e.QuotaExceeded, "quota_exceeded"),
    (e.InvalidState, "invalid_state"),
)


@dataclass(frozen=True)
class Selection:
    """Which nominations: these ids, or every visible one the filter matches (paging ignored)."""

    ids: tuple[int, ...] = ()
    filter: NominationFilter | None = None


@dataclass(frozen=True)
class ItemResult:
    """What happened to one selected nomination.

    `code` is `done` or the refusal's code; `message` says it in words; `state` is where the
    nomination stands now (None when it is not found or out of sight: nothing is told about
    it); `name` likewise.
    """

    id: int
    ok: bool
    code: str
    message: Message
    state: str | None
    name: str | None = None


def check_request(actor: Actor, trigger: str, reason: str | None) -> None:
    """The checks made once for the whole request: trigger, role, reason."""
    allowed = bulk_trigger_problem(trigger)
    if allowed is not None:
        raise BadInput("trigger", msg("error.invalid.not_in_vocabulary", allowed=allowed))
    require_bulk(actor, trigger)
    if reason is not None and len(reason) > MAX_REASON:
        raise BadInput("reason", msg("error.invalid.string_too_long", max_length=MAX_REASON))
    if trigger in REASON_REQUIRED and not (reason or "").strip():
        raise BadInput("reason", msg("bulk.reason_required", trigger=Label("trigger", trigger)))


def selected_ids(new_uow: UowFactory, actor: Actor, selection: Selection, cap: int) -> list[int]:
    """The ids to act on, once each, in order; BadInput when none or more than the cap."""
    if selection.filter is not None:
        with new_uow() as uow:
            ids = matching_ids(uow, actor, selection.filter, cap)
        where = "filter"
    else:
        ids = list(dict.fromkeys(selection.ids))
        where = "ids"
    if not ids:
        raise BadInput(where, msg("bulk.nothing_selected"))
    if len(ids) > cap:
        raise BadInput(where, msg("bulk.too_many", cap=cap))
    return ids


def act_on_each(
    new_uow: UowFactory,
    actor: Actor,
    selection: Selection,
    trigger: str,
    now: datetime,
    *,
    reason: str | None = None,
    cap: int = MAX_ITEMS,
) -> list[ItemResult]:
    """Fire the trigger on each selected nomination, each in its own transaction.

    The request as a whole is refused (BadInput, PermissionDenied) before anything is done;
    after that, one item's refusal does not undo the others, which were committed one by one.
    """
    check_request(actor, trigger, reason)
    ids = selected_ids(new_uow, actor, selection, cap)
    return [_act_on_one(new_uow, actor, ident, trigger, now, reason) for ident in ids]


def _act_on_one(
    new_uow: UowFactory,
    actor: Actor,
    ident: int,
    trigger: str,
    now: datetime,
    reason: str | None,
) -> ItemResult:
    with new_uow() as uow:
        try:
            result = act(uow, actor, ident, trigger, now, reason=reason)
        except HonorflowError as refused:
            uow.session.rollback()
            return _refused(uow, ident, refused)
        row = uow.session.get(Nomination, ident)
        words = msg(
            "bulk.moved",
            source=Label("state", result.from_state),
            target=Label("state", result.to_state),
        )
        return ItemResult(ident, True, "done", words, result.to_state, row.name if row else None)


def _refused(uow: UnitOfWork, ident: int, refused: HonorflowError) -> ItemResult:
    code = next((c for kind, c in CODES if isinstance(refused, kind)), "refused")
    words = refused.message or msg("text.plain", text=str(refused))
    if isinstance(refused, e.NotFound):  # out of sight or missing: the same, nothing more
        return ItemResult(ident, False, code, words, None)
    row = uow.session.get(Nomination, ident)
    return ItemResult(
        ident, False, code, words, row.status if row else None, row.name if row else None
    )


def summary(results: list[ItemResult]) -> tuple[int, int]:
    """How many moved and how many were refused."""
    done = sum(1 for r in results if r.ok)
    return done, len(results) - done
