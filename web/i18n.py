"""The pages' words and formats: a thin layer over the one message catalogue (config/catalogue).

Templates call `t('key')`: a key without a dot is a page string (`page.key` in the catalogue),
a dotted key is any msgid (`t('role.' + role)`). Every word lives in the catalogue's .po files.
"""

from __future__ import annotations

from collections.abc import Callable

from config import catalogue, display
from config.catalogue import Message
from workflow.definition import Definition

DEFAULT = catalogue.DEFAULT
LANGS = catalogue.LOCALES


def msgid(key: str) -> str:
    """The catalogue msgid of a template key: `page.<key>` unless the key is dotted already."""
    return key if "." in key else f"page.{key}"


def t(key: str, lang: str = DEFAULT, **values: object) -> str:
    """The UI string for a key in a language, with {placeholders} filled in."""
    return catalogue.text(msgid(key), lang, **values)


def translator(lang: str) -> Callable[..., str]:
    """`t(key, **values)` bound to one language, for templates."""

    def translate(key: str, **values: object) -> str:
        return t(key, lang, **values)

    return translate


def labeller(lang: str) -> Callable[[str, str | None], str]:
    """`label(area, code)`: a trigger's, rule's or role's label; an unknown code as it is."""

    def label(area: str, code: str | None) -> str:
        return catalogue.label(area, code, lang)

    return label


def renderer(lang: str) -> Callable[[Message | str], str]:
    """`text(message)`: a Message (a rule's reason, an error) in the page's language."""

    def render(message: Message | str) -> str:
        return catalogue.render(message, lang)

    return render


def state_labeller(lang: str) -> Callable[..., str]:
    """`state_label(state, definition=None)`: a stage's own title in Chinese, else the label."""

    def label(state: str, definition: Definition | None = None) -> str:
        if definition is not None and lang == DEFAULT:
            for stage in definition.stages:
                if state == stage.id:
                    return stage.title
                if state == f"{stage.id}_returned":
                    return catalogue.text("state.returned_from", lang, stage=stage.title)
        return catalogue.state_label(state, lang)

    return label


def vocab_labeller(lang: str) -> Callable[[str, str | None], str]:
    """`vocab(kind, code)`: the label of a vocabulary code (category, employer_type, …)."""

    def label(kind: str, code: str | None) -> str:
        return catalogue.label(f"vocab.{kind}", code, lang)

    return label


def event_labeller(lang: str) -> Callable[[str | None], str]:
    """`event(trigger)`: an audit event by its label (a trigger's, or the event's own)."""

    def label(trigger: str | None) -> str:
        return display.event_label(trigger, lang)

    return label


def actor_labeller(lang: str) -> Callable[..., str]:
    """`actor(recorded, place)`: an audit actor as name (role, department) by labels."""

    def label(recorded: str | None, place: Callable[[str], str | None] = lambda c: None) -> str:
        return display.actor_label(recorded, lang, place)

    return label


def percent(value: float | None, digits: int = 1) -> str:
    """A share as a percentage."""
    return "-" if value is None else f"{value * 100:.{digits}f}%"
