"""The one message catalogue: every word a person reads, in Chinese (default) and English.

Messages live in gettext files, `config/locale/<lang>/LC_MESSAGES/honorflow.po` (`zh_CN`, `en`),
read with Babel's `read_po` the first time a locale is used. No compile step: the .po files in
the repository are what runs, so a catalogue can never be out of date with a stale .mo, and
reading both (about 800 messages) takes a few milliseconds once per process.

Conventions (tests/unit/test_catalogue.py holds every file to them):
- msgids are symbolic, dotted, lower case: `<area>.<thing>[.<detail>]`, e.g. `state.qualification`,
  `trigger.pass`, `role.department_reviewer`, `rule.unit_notice` (a rule's name) and
  `rule.unit_notice.too_short` (one of its reasons), `page.nav_inbox`, `error.guard_failed`,
  `import.not_a_date`, `vocab.category.front_line_worker`.
- Figures are `{name}` placeholders filled with `str.format`, so a format spec may follow the
  name (`{share:.1f}`). Both locales of a msgid use the same placeholders.
- A code and its figures travel as a `Message`; the text is made only where a person reads it,
  in their locale (`render`). A figure may be a number, a text, a date (written 2026年12月1日
  in Chinese, ISO in English), a `Label` (a code shown by its label: a state, trigger, rule,
  role or vocabulary code), another Message, a `config.dates.Period` (2026年12月1日至12月7日),
  or a `Listing` of these (joined with 、, 或, ；…).

Locales: `zh-CN` (default) and `en`. The CLI reads `HONORFLOW_LOCALE`; the web takes `?lang=`,
then `Accept-Language` (`locale_for_request`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from config.dates import Period, period_text

DEFAULT = "zh-CN"
LOCALES: tuple[str, ...] = ("zh-CN", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "honorflow"
ENV_LOCALE = "HONORFLOW_LOCALE"
_FOLDERS = {"zh-CN": "zh_CN", "en": "en"}
# How a list figure is joined, per style and locale (see `Listing`).
_SEPARATORS = {
    "and": {"zh-CN": "、", "en": ", "},
    "or": {"zh-CN": "或", "en": " or "},
    "slash": {"zh-CN": "/", "en": "/"},
    "semicolon": {"zh-CN": "；", "en": "; "},
    "lines": {"zh-CN": "\n", "en": "\n"},
}


@dataclass(frozen=True)
class Message:
    """A code and its figures: what rules, guards and errors return instead of text."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def render(self, locale: str = DEFAULT) -> str:
        """The message as text in a locale."""
        return render(self, locale)

    def __str__(self) -> str:
        return render(self, DEFAULT)


@dataclass(frozen=True)
class Label:
    """A figure that is a code shown by its label: `Label("state", "qualification")` -> 资格初审."""

    area: str
    code: str

    def render(self, locale: str = DEFAULT) -> str:
        """The label in a locale; an unknown code is shown as it is."""
        if self.area == "state":
            return state_label(self.code, locale)
        return label(self.area, self.code, locale)


@dataclass(frozen=True)
class Listing:
    """A list figure joined in a style: and (、/, ), or (或/ or ), slash, semicolon, lines."""

    items: tuple[Any, ...]
    style: str = "and"


def msg(code: str, **params: Any) -> Message:
    """Shorthand for `Message(code, params)`."""
    return Message(code, params)


def po_path(locale: str) -> Path:
    """Where the catalogue file of a locale lives."""
    return LOCALE_DIR / _FOLDERS[locale] / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def messages(locale: str) -> Mapping[str, str]:
    """msgid -> text of one locale, read from its .po file once (untranslated entries left out)."""
    with po_path(locale).open("rb") as handle:
        catalog = read_po(handle, locale=_FOLDERS[locale], domain=DOMAIN)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string
    }


def normalise(locale: str | None) -> str | None:
    """A supported locale for a tag like zh, zh_CN, zh-Hans-CN, en-GB; None when unsupported."""
    if not locale:
        return None
    tag = locale.strip().replace("_", "-").lower()
    if tag in {"zh-cn", "zh", "zh-hans"} or tag.startswith(("zh-hans", "zh-cn")):
        return "zh-CN"
    if tag == "en" or tag.startswith("en-"):
        return "en"
    return None


def has(code: str) -> bool:
    """True when the catalogue knows a msgid (in the default locale)."""
    return code in messages(DEFAULT)


def text(code: str, locale: str = DEFAULT, /, **params: Any) -> str:
    """The text of a msgid in a locale with its placeholders filled.

    A msgid missing in the locale falls back to Chinese, then to the code itself; a figure
    the text does not use is ignored, one it needs but lacks stays as `{name}`.
    """
    lang = normalise(locale) or DEFAULT
    template = messages(lang).get(code) or messages(DEFAULT).get(code)
    if template is None:
        return code
    if not params:
        return template
    values = _Figures({k: _figure(v, lang) for k, v in params.items()})
    try:
        return template.format_map(values)
    except (ValueError, TypeError, IndexError, AttributeError):
        return template  # a figure of the wrong kind: show the words rather than fail an error


def render(message: Message | str, locale: str = DEFAULT) -> str:
    """A Message (or a plain string, shown as it is) as text in a locale."""
    if isinstance(message, Message):
        return text(message.code, locale, **message.params)
    return message


# Labels a workflow definition gives the codes it adds to a vocabulary (workflow.vocabulary),
# in its own words; the catalogue's entries come first, so a definition cannot reword them.
_DEFINED_LABELS: dict[str, str] = {}


def define_label(area: str, code: str, words: str) -> None:
    """Register the label a definition gives one of its own codes (e.g. `vocab.post`)."""
    _DEFINED_LABELS[f"{area}.{code}"] = words


def label(area: str, code: str | None, locale: str = DEFAULT) -> str:
    """The label of a code in an area (`state`, `role`, …): the catalogue's, else the one a
    definition gave it; an unknown code is shown as it is."""
    if code is None:
        return "-"
    key = f"{area}.{code}"
    return text(key, locale) if has(key) else _DEFINED_LABELS.get(key, code)


def state_label(state: str, locale: str = DEFAULT) -> str:
    """A nomination state's label; `<stage>_returned` is the stage's label marked returned."""
    if has(f"state.{state}") or not state.endswith("_returned"):
        return label("state", state, locale)
    stage = label("state", state.removesuffix("_returned"), locale)
    return text("state.returned_from", locale, stage=stage)


class _Figures(dict[str, Any]):
    """Placeholders the message needs but lacks stay visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _figure(value: Any, locale: str) -> Any:
    """A figure ready for `str.format`: Messages and labels rendered, lists joined, dates
    written the way readers of the locale expect (2026年12月1日 / 2026-12-01), numbers kept."""
    if isinstance(value, Message | Label):
        return value.render(locale)
    if isinstance(value, Listing):
        joiner = _SEPARATORS[value.style][locale]
        return joiner.join(str(_figure(v, locale)) for v in value.items)
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return _figure(Listing(tuple(value)), locale)
    if isinstance(value, Period):
        return period_text(value, chinese=locale == DEFAULT)
    if isinstance(value, date) and not isinstance(value, datetime):
        return (
            f"{value.year}年{value.month}月{value.day}日"
            if locale == DEFAULT
            else value.isoformat()
        )
    return value


def join(items: Sequence[Any], locale: str = DEFAULT, style: str = "and") -> str:
    """Items (texts, Messages, Labels) as one list in a locale's way."""
    return str(_figure(Listing(tuple(items), style), normalise(locale) or DEFAULT))


def cli_locale(environ: Mapping[str, str] | None = None) -> str:
    """The CLI's locale: HONORFLOW_LOCALE when supported, else zh-CN."""
    env = os.environ if environ is None else environ
    return normalise(env.get(ENV_LOCALE)) or DEFAULT


def accept_language(header: str | None) -> str | None:
    """The best supported locale of an Accept-Language header (q-values honoured), if any."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, rest = part.strip().partition(";")
        weight = 1.0
        if rest.strip().startswith("q="):
            try:
                weight = float(rest.strip()[2:])
            except ValueError:
                weight = 0.0
        locale = normalise(tag)
        if locale is not None and weight > 0:
            ranked.append((-weight, index, locale))
    return min(ranked)[2] if ranked else None


def locale_for_request(query: str | None, accept: str | None, remembered: str | None = None) -> str:
    """The web's locale: `?lang=` first, then a remembered choice, then Accept-Language."""
    return normalise(query) or normalise(remembered) or accept_language(accept) or DEFAULT
