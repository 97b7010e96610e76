"""The typed context of every message kind: the templates' schema.

Each kind has one frozen dataclass. The domain builds it (`workflow/messages.py`) and hands
it to `notifications.outbox.queue_message`, which stores it as JSON in the outbox row; the
relay rebuilds the typed object with `context_from`, which refuses unknown or missing
fields and values of the wrong type as a `TemplateProblem` naming the kind and the field.
A template may use its kind's fields and the envelope every message gets when it is sent
(`ENVELOPE`: the campaign's title, the site's address, the locale) — nothing else; a test
walks every template to hold that. The samples that validate administrators' overrides
(`notifications/samples.py`) are instances of these classes.

Values are ready to print, except times: those are ISO 8601 instants (`workflow.messages.
stored`; rows written before that hold Beijing time without a zone, read the same way),
written by the templates' date filters (`deadline`, `instant`, `day`) in the message's
locale, so a message renders the same however late it is sent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, get_args, get_origin, get_type_hints

from config.catalogue import Label, Listing, Message, msg
from notifications.errors import TemplateProblem

# What every template may use besides its kind's fields, filled in at sending time.
ENVELOPE: tuple[str, ...] = ("campaign", "site_url", "locale")


@dataclass(frozen=True)
class MessageContext:
    """Base of the per-kind contexts; `kind` names the templates it fills."""

    kind: ClassVar[str]


@dataclass(frozen=True)
class _TaskFields(MessageContext):
    """What every message about one review task says."""

    task_id: int
    stage: str
    nominee: str
    department: str
    due_at: str


@dataclass(frozen=True)
class TaskAssigned(_TaskFields):
    kind: ClassVar[str] = "task_assigned"


@dataclass(frozen=True)
class Reminder(_TaskFields):
    kind: ClassVar[str] = "reminder"
    days_left: int


@dataclass(frozen=True)
class Escalation(_TaskFields):
    kind: ClassVar[str] = "escalation"
    overdue_days: int
    assignee: str
    count: int
    reassigned: bool


@dataclass(frozen=True)
class _UnitNotice(MessageContext):
    """What the recommending unit is told about its nomination: the state and the reason."""

    nominee: str
    state: str
    reason: str


@dataclass(frozen=True)
class ReturnedForMaterial(_UnitNotice):
    kind: ClassVar[str] = "returned_for_material"
    answer_by: str


@dataclass(frozen=True)
class NominationEnded(_UnitNotice):
    kind: ClassVar[str] = "nomination_ended"


@dataclass(frozen=True)
class CommitteeResult(_UnitNotice):
    kind: ClassVar[str] = "committee_result"


@dataclass(frozen=True)
class HonourRevoked(_UnitNotice):
    kind: ClassVar[str] = "honour_revoked"


@dataclass(frozen=True)
class ObjectionReceived(MessageContext):
    kind: ClassVar[str] = "objection_received"
    nominee: str
    objection_id: int
    received_on: str
    content: str
    answer_by: str


@dataclass(frozen=True)
class ObjectionOutcome(MessageContext):
    kind: ClassVar[str] = "objection_outcome"
    nominee: str
    objection_id: int
    outcome: str
    finding: str


@dataclass(frozen=True)
class ObjectionAnswered(MessageContext):
    """To the working team: a unit answered an objection; the team decides next."""

    kind: ClassVar[str] = "objection_answered"
    nominee: str
    objection_id: int
    unit: str
    findings: str


@dataclass(frozen=True)
class SubmissionClosed(MessageContext):
    kind: ClassVar[str] = "submission_closed"
    closed_at: str
    submitted: int


@dataclass(frozen=True)
class DigestTask:
    """One line of the reviewers' daily digest."""

    task_id: int
    nominee: str
    stage: str
    due_at: str
    overdue: bool


@dataclass(frozen=True)
class DailyDigest(MessageContext):
    kind: ClassVar[str] = "daily_digest"
    reviewer: str
    tasks: tuple[DigestTask, ...]


@dataclass(frozen=True)
class EscalationSummary(MessageContext):
    """To the campaign office: every task one sweep escalated in the campaign, in one message."""

    kind: ClassVar[str] = "escalation_summary"
    escalations: tuple[Escalation, ...]


@dataclass(frozen=True)
class AuditAnchored(MessageContext):
    """To the office: the audit chain's heads, to be kept where the database cannot reach."""

    kind: ClassVar[str] = "audit_anchor"
    seq: int  # the events anchored, in every lane
    hash: str  # one digest over every lane's head (the anchor file's line holds them all)
    anchored_at: str
    key_id: str
    lanes: int = 1  # the lanes (campaigns' chains and lane 0) anchored


CONTEXTS: dict[str, type[MessageContext]] = {
    cls.kind: cls
    for cls in (
        TaskAssigned,
        Reminder,
        Escalation,
        ReturnedForMaterial,
        ObjectionReceived,
        ObjectionOutcome,
        ObjectionAnswered,
        NominationEnded,
        CommitteeResult,
        HonourRevoked,
        SubmissionClosed,
        DailyDigest,
        EscalationSummary,
        AuditAnchored,
    )
}
KINDS: tuple[str, ...] = tuple(CONTEXTS)

# Fields rows written before the contexts were typed may still carry; dropped on reading.
_RETIRED: dict[str, frozenset[str]] = {"task_assigned": frozenset({"department_code"})}


def field_names(cls: type[Any]) -> tuple[str, ...]:
    """The names a context class (or a digest line) holds, in order."""
    return tuple(f.name for f in dataclasses.fields(cls))


def to_json(context: MessageContext) -> dict[str, Any]:
    """The context as the JSON object stored in the outbox row (tuples become lists)."""
    return _plain(dataclasses.asdict(context))  # type: ignore[no-any-return]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def context_from(kind: str, data: Any) -> MessageContext:
    """The typed context of a kind rebuilt from stored JSON; TemplateProblem if it does not fit."""
    cls = CONTEXTS.get(kind)
    if cls is None:
        known = Listing(tuple(Label("mail_kind", k) for k in KINDS))
        raise TemplateProblem(msg("mail.template.unknown_kind", kind=kind, known=known))
    if isinstance(data, Mapping):
        data = {k: v for k, v in data.items() if k not in _RETIRED.get(kind, ())}
    try:
        built = _build(cls, data, "")
    except _Misfit as misfit:
        where = {"kind": Label("mail_kind", kind), "problem": misfit.problem}
        if misfit.path:
            raise TemplateProblem(
                msg("mail.context.field_problem", field=misfit.path, **where)
            ) from None
        raise TemplateProblem(msg("mail.context.problem", **where)) from None
    assert isinstance(built, MessageContext)
    return built


class _Misfit(Exception):
    """Stored data that does not fit a context: where (a field path, "" for the whole) and why."""

    def __init__(self, path: str, problem: Message) -> None:
        super().__init__(path)
        self.path, self.problem = path, problem


def _type(value: Any) -> Label:
    """A JSON value's type by its label (文本, 整数, …)."""
    return Label("json_type", "null" if value is None else type(value).__name__)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The resolved field types of a dataclass, read once per class."""
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


def _build(cls: type[Any], data: Any, where: str) -> Any:
    """An instance of a context dataclass from a mapping with exactly its fields."""
    if not isinstance(data, Mapping):
        raise _Misfit(where, msg("mail.context.expected_object", got=_type(data)))
    names = field_names(cls)
    unknown = sorted(str(k) for k in data if k not in names)
    missing = [n for n in names if n not in data]
    if unknown or missing:
        problems = [msg("mail.context.unknown_fields", fields=unknown)] if unknown else []
        problems += [msg("mail.context.missing_fields", fields=missing)] if missing else []
        wrong = Listing(tuple(problems), "semicolon")
        raise _Misfit(where, msg("mail.context.with_fields", problem=wrong, fields=names))
    hints = _hints(cls)
    prefix = f"{where}." if where else ""
    return cls(**{n: _value(hints[n], data[n], f"{prefix}{n}") for n in names})


def _value(hint: Any, value: Any, where: str) -> Any:
    """A field's value checked against its declared type (digest lines are rebuilt too)."""
    if get_origin(hint) is tuple:
        item = get_args(hint)[0]
        if not isinstance(value, list | tuple):
            raise _Misfit(where, msg("mail.context.expected_list", got=_type(value)))
        return tuple(_build(item, v, f"{where}[{i}]") for i, v in enumerate(value))
    # JSON has no separate booleans and integers in Python's eyes: True is an int there.
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        expected = Label("json_type", hint.__name__)
        raise _Misfit(where, msg("mail.context.expected", expected=expected, got=_type(value)))
    return value


def template_values(context: MessageContext, campaign: str, site_url: str) -> dict[str, Any]:
    """The variables a template renders with: the context's fields and the envelope."""
    return {**to_json(context), "campaign": campaign, "site_url": site_url}
