"""Delivering outbox messages: claim, render, send, record — never twice for one message.

Each delivery claims its message with a lease in a committed transaction before it talks
to the mail server, and records the result in another. A second sender (a redelivered
task, the periodic relay) finds the message claimed or settled and leaves it alone; a
sender killed mid-send leaves a claim that runs out, and the message is sent again.
The one window left — the server accepted the message and the sender died before
recording it — is narrowed by the stable Message-ID, which lets receivers drop a repeat.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import select

from config.catalogue import msg
from config.settings import Settings
from models import Campaign, TemplateOverride
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


def deliver(
    new_uow: UowFactory,
    message_id: int,
    transport: Transport,
    clock: Clock,
    settings: Settings,
    lookup: CampaignLookup | None = None,
) -> str:
    """Send one message if it is ours to send; returns what happened (sent, retry, …)."""
    lookup = lookup or CampaignLookup()
    with new_uow() as uow:
        claimed = delivery.claim(uow, message_id, clock())
        if claimed is None:
            return "not due"
        letterhead = lookup.letterhead(uow, claimed.campaign_id)
        if letterhead.daily_digest and claimed.kind in DIGESTED_KINDS:
            delivery.mark_digested(uow, message_id, clock())
            return "digested"
        override = lookup.override(uow, claimed.campaign_id, claimed.kind, letterhead.locale)
    try:
        message = _build(claimed, letterhead, override, settings, clock)
    except (TemplateProblem, BadAddress) as problem:  # no retry can mend these
        return _park(new_uow, claimed, str(problem))
    except Exception as exc:  # nor anything else composing raises: park it, go on
        return _park(new_uow, claimed, str(msg("mail.compose.failed", error=_brief(exc))))
    return _send(new_uow, claimed, message, str(message["Subject"]), transport, clock)


def _park(new_uow: UowFactory, claimed: Claimed, error: str) -> str:
    """Mark a message failed with its error, for an administrator to see; the relay goes on."""
    _log_attempt(claimed, "failed", error)
    with new_uow() as uow:
        delivery.mark_failed(uow, claimed.id, error)
    return "failed"


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
    new_uow: UowFactory,
    claimed: Claimed,
    message: EmailMessage,
    subject: str,
    transport: Transport,
    clock: Clock,
) -> str:
    # The database session is closed while the mail server is talked to: no transaction
    # stays open across the network.
    started = time.perf_counter()
    try:
        transport.send(message)
    except PermanentSendError as exc:
        observe_send("failed", time.perf_counter() - started)
        return _park(new_uow, claimed, str(exc))
    except (TransientSendError, OSError) as exc:
        observe_send("retry", time.perf_counter() - started)
        error = str(exc) or type(exc).__name__
        with new_uow() as uow:
            delivery.mark_transient(uow, claimed.id, clock(), claimed.attempts, error)
        gave_up = claimed.attempts >= delivery.MAX_ATTEMPTS
        _log_attempt(claimed, "failed" if gave_up else "retry", error)
        return "retry"
    except Exception as exc:  # e.g. a message the email package cannot serialise
        observe_send("failed", time.perf_counter() - started)
        return _park(new_uow, claimed, str(msg("mail.send.unexpected", error=_brief(exc))))
    observe_send("sent", time.perf_counter() - started)
    with new_uow() as uow:
        delivery.mark_sent(uow, claimed.id, clock(), subject)
    _log_attempt(claimed, "sent")
    return "sent"


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
        for message_id in ids:
            try:
                results[deliver(new_uow, message_id, transport, clock, settings, lookup)] += 1
            except Exception:  # e.g. the database answered badly: the next message still goes
                log.warning("outbox message %s could not be delivered", message_id, exc_info=True)
                results["error"] += 1
    return results


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
