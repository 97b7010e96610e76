"""A `Message` as JSON and back: how a code and its figures are stored (audit payloads).

The audit log is append-only and hash-chained, so an engine-written event keeps its
`reason` as the Chinese text it was written with, and carries the code and figures in its
payload under `REASON_KEY` so a reader in another locale can render it:

    reason, payload = reason_fields(msg("audit.material_lapsed", deadline=...), payload)
    ...
    message_from_json(event.payload[REASON_KEY]).render("en")

Figures are kept as they render: numbers, texts and booleans as they are; dates and
datetimes as tagged ISO strings; `Label`s, nested `Message`s and `Listing`s as tagged
objects; anything else as its text. `message_from_json` rebuilds exactly what
`message_to_json` wrote.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from config.catalogue import DEFAULT, Label, Listing, Message, render

# The payload key of an audit event's reason as a code and figures.
REASON_KEY = "reason_message"


def message_to_json(message: Message) -> dict[str, Any]:
    """A Message as a JSON-safe dict: `{"code": ..., "params": {...}}`."""
    return {"code": message.code, "params": {k: _encode(v) for k, v in message.params.items()}}


def message_from_json(data: Mapping[str, Any]) -> Message:
    """The Message `message_to_json` wrote (figures rebuilt as Labels, dates, Listings)."""
    params = data.get("params") or {}
    return Message(str(data["code"]), {k: _decode(v) for k, v in params.items()})


def reason_fields(
    reason: Message | str | None, payload: Mapping[str, Any] | None = None
) -> tuple[str | None, dict[str, Any] | None]:
    """An audit event's `reason` (the Chinese text) and its payload with the Message added.

    A plain-string reason (a person's words) is kept as it is and adds nothing.
    """
    if not isinstance(reason, Message):
        return reason, dict(payload) if payload is not None else None
    return render(reason, DEFAULT), {**(payload or {}), REASON_KEY: message_to_json(reason)}


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Message):
        return {"$message": message_to_json(value)}
    if isinstance(value, Label):
        return {"$label": [value.area, value.code]}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Listing):
        return {"$listing": [_encode(v) for v in value.items], "style": value.style}
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        return {"$listing": [_encode(v) for v in value], "style": "and"}
    return str(value)


def _decode(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    if "$message" in value:
        return message_from_json(value["$message"])
    if "$label" in value:
        area, code = value["$label"]
        return Label(str(area), str(code))
    if "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    if "$listing" in value:
        items = tuple(_decode(v) for v in value["$listing"])
        return Listing(items, str(value.get("style", "and")))
    return value
