"""Delivering outbox messages: claim, render, send, record — never twice for one message.

A relay takes messages in batches (`BATCH`): it claims a batch with a lease in one committed
statement before it talks to the mail server, sends each message over one connection, and
records the results in one more commit. A second sender (a redelivered task, the periodic
relay) finds the messages claimed or settled and leaves them alone; a sender killed mid-batch
leaves claims that run out, and what it had not recorded is sent again. That window — the
server accepted a message and the sender died before recording its batch — is at most one
batch, and narrowed by the stable Message-ID, which lets receivers drop a repeat.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select

from config.catalogue import msg
from config.settings import Settings
from models import Campaign, TemplateOverride
from models.db import is_busy
from models.uow import UnitOfWork
from notifications import delivery
from notifications.compose import compose, message_id_for
from notifications.contexts import context_from
from notifications.delivery import Claimed
from notifications.errors import BadAddress, TemplateProblem
from notifications.metrics import observe_send
from notifications.render import TemplateSource, render_message
from notifications.transport import PermanentSendError, TransientSendError, Transport

log = logging.getLogger(__name__)

UowFactory = Callable[[], UnitOfWork]
Clock = Callable[[], datetime]

# With a campaign's daily digest on, these are carried by the digest instead of sent alone.
DIGESTED_KINDS = frozenset({"task_assigned", "reminder"})


@dataclass(frozen=True)
class Letterhead:
    """What a message needs to know of its campaign."""

    title: str = ""
    locale: str = "zh-CN"
    daily_digest: bool = False


class CampaignLookup:
    """Campaign facts and template overrides, read once per relay pass, not once per message."""

    def __init__(self) -> None:
        self._letterheads: dict[int | None, Letterhead] = {None: Letterhead()}
        self._overrides: dict[tuple[int, str, str], TemplateSource | None] = {}

    def letterhead(self, uow: UnitOfWork, campaign_id: int | None) -> Letterhead:
        if campaign_id not in self._letterheads:
            row = uow.session.execute(
                select(Campaign.title, Campaign.locale, Campaign.daily_digest).where(
                    Campaign.id == campaign_id
                )
            ).one_or_none()
            self._letterheads[campaign_id] = Letterhead(*row) if row else Letterhead()
        return self._letterheads[campaign_id]

    def override(
        self, uow: UnitOfWork, campaign_id: int | None, kind: str, locale: str
    ) -> TemplateSource | None:
        if campaign_id is None:
            return None
        key = (campaign_id, kind, locale)
        if key not in self._overrides:
            row = uow.session.scalars(
                select(TemplateOverride).where(
                    TemplateOverride.campaign_id == campaign_id,
                    TemplateOverride.kind == kind,
                    TemplateOverride.locale == locale,
                )
            ).first()
            self._overrides[key] = (
                TemplateSource(row.subject, row.text_body, row.html_body) if row else None
            )
        return self._overrides[key]


# The relay claims, sends and settles this many messages together: two commits per batch
# instead of two per message. A sender killed after sending part of a batch and before
# settling it sends those again when their lease runs out, so the batch stays small.
BATCH = 25
# A message is sent only while its lease has this much left: a send that began near the end
# of a lease could otherwise overlap another sender's takeover. More than a send's timeout.
LEASE_MARGIN = timedelta(minutes=2)


def deliver(
    new_uow: UowFactory,
    message_id: int,
    transport: Transport,
    clock: Clock,
    settings: Settings,
    lookup: CampaignLookup | None = None,
) -> str:
    """Send one message if it is ours to send; returns what happened (sent, retry, …)."""
    results = _deliver_batch(
        new_uow, [message_id], transport, clock, settings, lookup or CampaignLookup()
    )
    return next(iter(results), "not due")


def relay(
    new_uow: UowFactory, transport: Transport, clock: Clock, settings: Settings, limit: int = 500
) -> Counter[str]:
    """Deliver every message that is due now (new, backed off, or whose claim ran out)."""
    with new_uow() as uow:
        ids = delivery.due_message_ids(uow, clock(), limit)
    results: Counter[str] = Counter()
    if not ids:
        return results
    lookup = CampaignLookup()
    with _one_connection(transport):
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            try:
                results.update(_deliver_batch(new_uow, batch, transport, clock, settings, lookup))
            except Exception:  # e.g. the database answered badly: the next batch still goes
                log.warning("outbox messages %s could not be delivered", batch, exc_info=True)
                results["error"] += len(batch)
    return results


def _deliver_batch(
    new_uow: UowFactory,
    message_ids: list[int],
    transport: Transport,
    clock: Clock,
    settings: Settings,
    lookup: CampaignLookup,
) -> Counter[str]:
    """Claim the batch in one commit, send each message, settle them all in one commit."""
    claimed_at = clock()
    lease_ends = claimed_at + delivery.LEASE
    with new_uow() as uow:
        claimed = delivery.claim_batch(uow, message_ids, claimed_at)
        plans = [(c, *_letter_of(uow, c, lookup)) for c in claimed]
    results: Counter[str] = Counter()
    settlements: list[delivery.Settlement] = []
    try:
        for claimed_message, letterhead, override in plans:
            if clock() > lease_ends - LEASE_MARGIN:
                results["not due"] += 1  # left claimed: whoever takes it over sends it
                continue
            outcome, values = _attempt(
                claimed_message, letterhead, override, transport, clock, settings
            )
            results[outcome] += 1
            settlements.append((claimed_message.id, values))
    finally:  # what was sent is recorded even if something above gave way
        if settlements:
            _record(new_uow, settlements, clock, lease_ends)
    return results


def _record(
    new_uow: UowFactory,
    settlements: list[delivery.Settlement],
    clock: Clock,
    lease_ends: datetime,
) -> None:
    """Settle a batch, asking a busy database again while the lease lasts: messages that were
    sent but not recorded would be sent again by whoever takes them over when it runs out."""
    while True:
        try:
            with new_uow() as uow:
                delivery.settle(uow, settlements)
            return
        except Exception as exc:
            if not is_busy(exc) or clock() > lease_ends - LEASE_MARGIN:
                raise
            log.warning("the database was busy recording outbox messages; asking again")


def _letter_of(
    uow: UnitOfWork, claimed: Claimed, lookup: CampaignLookup
) -> tuple[Letterhead, TemplateSource | None]:
    """The message's campaign letterhead and its template override, if any."""
    letterhead = lookup.letterhead(uow, claimed.campaign_id)
    return letterhead, lookup.override(uow, claimed.campaign_id, claimed.kind, letterhead.locale)


def _attempt(
    claimed: Claimed,
    letterhead: Letterhead,
    override: TemplateSource | None,
    transport: Transport,
    clock: Clock,
    settings: Settings,
) -> tuple[str, dict[str, Any]]:
    """Digest, build and send one claimed message; what happened and the columns to settle."""
    if letterhead.daily_digest and claimed.kind in DIGESTED_KINDS:
        return "digested", delivery.digested(clock())
    try:
        message = _build(claimed, letterhead, override, settings, clock)
    except (TemplateProblem, BadAddress) as problem:  # no retry can mend these
        return _park(claimed, str(problem))
    except Exception as exc:  # nor anything else composing raises: park it, go on
        return _park(claimed, str(msg("mail.compose.failed", error=_brief(exc))))
    return _send(claimed, message, transport, clock)


def _park(claimed: Claimed, error: str) -> tuple[str, dict[str, Any]]:
    """Failed with its error, for an administrator to see; the relay goes on."""
    _log_attempt(claimed, "failed", error)
    return "failed", delivery.failed(error)


def _log_attempt(claimed: Claimed, outcome: str, error: str | None = None) -> None:
    """One line per send attempt: the outbox id, kind and the recipient's domain (never the
    whole address); a retry or failure at WARNING with its error."""
    domain = claimed.recipient.rpartition("@")[2] or "-"
    fields = {"outbox_id": claimed.id, "kind": claimed.kind, "domain": domain, "outcome": outcome}
    if error is None:
        log.info("outbox message %s (%s to @%s) %s", claimed.id, claimed.kind, domain, outcome,
                 extra=fields)  # fmt: skip
        return
    log.warning(
        "outbox message %s (%s to @%s) %s: %s", claimed.id, claimed.kind, domain, outcome, error,
        extra={**fields, "error": error},
    )  # fmt: skip


def _brief(exc: BaseException) -> str:
    """An unexpected exception as an error line: its type and the start of its text."""
    return f"{type(exc).__name__}: {exc}"[:500]


def _build(
    claimed: Claimed,
    letterhead: Letterhead,
    override: TemplateSource | None,
    settings: Settings,
    clock: Clock,
) -> EmailMessage:
    """Render the message's template and compose the multipart message."""
    rendered = render_message(
        context_from(claimed.kind, claimed.context),
        campaign=letterhead.title,
        site_url=settings.site_url.rstrip("/"),
        locale=letterhead.locale,
        override=override,
    )
    message = compose(
        rendered,
        sender=settings.mail_from,
        sender_name=settings.mail_from_name,
        recipient=claimed.recipient,
        recipient_name=None,
        message_id=message_id_for(claimed.idempotency_key, _domain(settings)),
        date=clock(),
    )
    message["X-Honorflow-Kind"] = claimed.kind  # lets mail rules sort by purpose
    return message


def _send(
    claimed: Claimed, message: EmailMessage, transport: Transport, clock: Clock
) -> tuple[str, dict[str, Any]]:
    # No database session is open while the mail server is talked to: no transaction
    # stays open across the network.
    started = time.perf_counter()
    try:
        transport.send(message)
    except PermanentSendError as exc:
        observe_send("failed", time.perf_counter() - started)
        return _park(claimed, str(exc))
    except (TransientSendError, OSError) as exc:
        observe_send("retry", time.perf_counter() - started)
        error = str(exc) or type(exc).__name__
        gave_up = claimed.attempts >= delivery.MAX_ATTEMPTS
        _log_attempt(claimed, "failed" if gave_up else "retry", error)
        return "retry", delivery.transient(clock(), claimed.attempts, error)
    except Exception as exc:  # e.g. a message the email package cannot serialise
        observe_send("failed", time.perf_counter() - started)
        return _park(claimed, str(msg("mail.send.unexpected", error=_brief(exc))))
    observe_send("sent", time.perf_counter() - started)
    _log_attempt(claimed, "sent")
    return "sent", delivery.sent(clock(), str(message["Subject"]))


@contextlib.contextmanager
def _one_connection(transport: Transport) -> Iterator[None]:
    """Hold one connection open for a batch when the transport can (SmtpTransport can).

    Dialling costs more than sending a message (about 10x on loopback, see bench/README.md).
    If the connection cannot be opened, or breaks mid-batch, each send dials for itself
    and records its own failure, exactly as without the batch.
    """
    open_ = getattr(transport, "open", None)
    close = getattr(transport, "close", None)
    if open_ is None or close is None:
        yield
        return
    try:
        open_()
    except (TransientSendError, PermanentSendError, OSError) as exc:
        log.warning("could not open a connection for the relay batch: %s", exc)
    try:
        yield
    finally:
        close()


def _domain(settings: Settings) -> str:
    return settings.mail_from.rsplit("@", 1)[-1]
