"""Rendering a message kind into subject, text and HTML, from shipped templates or an override."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    meta,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from config import catalogue
from config.catalogue import Label, Listing, Message, msg
from config.date_filters import FILTERS as DATE_FILTERS
from notifications.contexts import KINDS, MessageContext, template_values
from notifications.errors import TemplateProblem
from notifications.samples import SAMPLE_CAMPAIGN, SAMPLE_CONTEXTS, SAMPLE_SITE_URL, SAMPLES

__all__ = [
    "KINDS",
    "LOCALES",
    "SAMPLE_CONTEXTS",
    "RenderedMessage",
    "TemplateSource",
    "render",
    "render_message",
    "shipped_source",
    "validate_override",
    "variables_used",
]

LOCALES: tuple[str, ...] = ("zh-CN", "en")
PARTS: tuple[str, ...] = ("subject", "text", "html")
TEMPLATES_DIR = Path(__file__).parent / "templates"
_SUFFIX = {"subject": "subject", "text": "txt", "html": "html"}
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


@dataclass(frozen=True)
class RenderedMessage:
    """A message ready to compose: one-line subject, plain text and HTML."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class TemplateSource:
    """An administrator's override of one kind's templates (Jinja2 source per part)."""

    subject: str
    text: str
    html: str


def _locale_of(ctx: Context, locale: str | None) -> str:
    """The locale given to a filter, else the one the message is rendered in."""
    bound = locale or ctx.get("locale")
    return bound if isinstance(bound, str) else catalogue.DEFAULT


@pass_context
def _state_label(ctx: Context, state: Any, locale: str | None = None) -> str:
    """`{{ state | state_label }}`: the state's label, in the message's locale."""
    return catalogue.state_label(str(state), _locale_of(ctx, locale))


@pass_context
def _outcome_label(ctx: Context, outcome: Any, locale: str | None = None) -> str:
    """`{{ outcome | outcome_label }}`: an objection outcome's label (属实, 不属实)."""
    return catalogue.label("objection", str(outcome), _locale_of(ctx, locale))


@pass_context
def _label(ctx: Context, code: Any, area: str, locale: str | None = None) -> str:
    """`{{ trigger | label('trigger') }}`: any code's label (role, rule, vocab.category, …)."""
    return catalogue.label(area, str(code), _locale_of(ctx, locale))


# Times are written by the shared date filters: `due_at|deadline`, `anchored_at|instant`, …
FILTERS = {
    "state_label": _state_label,
    "outcome_label": _outcome_label,
    "label": _label,
    **DATE_FILTERS,
}


def _environment(cls: type[Environment], autoescape: Any) -> Environment:
    """An environment with the shared settings and filters; the loader serves `_layout.html`."""
    env = cls(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


# .html is escaped; .txt and .subject are not (their suffixes are not in the list).
_SHIPPED = _environment(Environment, select_autoescape(["html", "xml"]))
# Overrides come from administrators through a form: sandboxed, and escaped for HTML only.
_SANDBOX = {
    "html": _environment(ImmutableSandboxedEnvironment, True),
    "plain": _environment(ImmutableSandboxedEnvironment, False),
}


# An override's bounds: its source per part, and what rendering one part may produce (the
# shipped templates are a few KiB; a digest of a hundred tasks stays far below).
MAX_SOURCE_CHARS = 64 * 1024
MAX_OUTPUT_CHARS = 1024 * 1024

_UNDEFINED = re.compile(r"^'([^']+)' is undefined$")


def _language(locale: str) -> Label | str:
    """A template locale by its label (中文, 英文); an unknown one as it was given."""
    return Label("language", locale.replace("-", "_").lower()) if locale in LOCALES else locale


def _problem(kind: str, locale: str, part: str, detail: Message) -> TemplateProblem:
    """The error naming kind, locale and part; the words come from the catalogue."""
    return TemplateProblem(
        msg(
            "mail.template.problem",
            kind=Label("mail_kind", kind),
            locale=_language(locale),
            part=Label("mail_part", part),
            detail=detail,
        )
    )


def _failure(exc: Exception) -> Message:
    """What went wrong rendering: a variable not provided, or the error as Jinja words it."""
    text = exc.message if isinstance(exc, TemplateError) and exc.message else str(exc)
    found = _UNDEFINED.match(text)
    if found:
        return msg("mail.template.undefined", name=found.group(1))
    shown = text if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {exc}"
    return msg("mail.template.failed", detail=shown or type(exc).__name__)


def _check(kind: str, locale: str) -> None:
    """Refuse a kind or locale there are no templates for."""
    if kind not in KINDS:
        known = Listing(tuple(Label("mail_kind", k) for k in KINDS))
        raise TemplateProblem(msg("mail.template.unknown_kind", kind=kind, known=known))
    if locale not in LOCALES:
        languages = Listing(tuple(_language(x) for x in LOCALES))
        raise TemplateProblem(
            msg(
                "mail.template.unknown_locale",
                kind=Label("mail_kind", kind),
                locale=locale,
                known=languages,
            )
        )


@lru_cache(maxsize=256)
def _compile_override(source: str, html: bool) -> Template:
    """Compile an override part once; the relay renders the same override many times."""
    return _SANDBOX["html" if html else "plain"].from_string(source)


def _compile(kind: str, locale: str, part: str, override: TemplateSource | None) -> Template:
    """The template of one part, shipped or overridden; syntax errors name the line."""
    try:
        if override is not None:
            return _compile_override(getattr(override, part), part == "html")
        return _SHIPPED.get_template(f"{locale}/{kind}.{_SUFFIX[part]}")
    except TemplateSyntaxError as exc:
        where = msg("mail.template.of_file", name=exc.name) if exc.name else ""
        detail = msg("mail.template.syntax", line=exc.lineno, where=where, detail=exc.message)
        raise _problem(kind, locale, part, detail) from exc
    except TemplateNotFound as exc:
        detail = msg("mail.template.not_found", name=exc.name)
        raise _problem(kind, locale, part, detail) from exc
    except TemplateError as exc:
        raise _problem(kind, locale, part, _failure(exc)) from exc


def _run(template: Template, values: Mapping[str, Any], where: tuple[str, str, str]) -> str:
    """Render one part; any failure (undefined variable, sandbox refusal, bad data) is named.

    Rendered piece by piece and stopped once past MAX_OUTPUT_CHARS: an override's loops cannot
    fill the memory (the sandbox already caps each `range`).
    """
    pieces: list[str] = []
    length = 0
    try:
        for piece in template.generate(values):
            length += len(piece)
            if length > MAX_OUTPUT_CHARS:
                too_long = msg("mail.template.output_too_long", limit=MAX_OUTPUT_CHARS)
                raise _problem(*where, too_long)
            pieces.append(piece)
    except TemplateProblem:
        raise
    except Exception as exc:  # an override may divide by zero or compare a str with an int
        raise _problem(*where, _failure(exc)) from exc
    return "".join(pieces)


def _render_parts(
    kind: str, locale: str, context: Mapping[str, Any], override: TemplateSource | None
) -> dict[str, str]:
    """Compile all three parts first (so syntax errors come first), then render them."""
    templates = {part: _compile(kind, locale, part, override) for part in PARTS}
    values = {**context, "locale": locale}
    return {part: _run(t, values, (kind, locale, part)) for part, t in templates.items()}


def render(
    kind: str,
    context: Mapping[str, Any],
    locale: str = "zh-CN",
    override: TemplateSource | None = None,
) -> RenderedMessage:
    """Render a message kind in a locale, with the shipped templates or an override."""
    _check(kind, locale)
    parts = _render_parts(kind, locale, context, override)
    subject = _LINE_BREAKS.sub(" ", parts["subject"]).strip()
    if not subject:
        raise _problem(kind, locale, "subject", msg("mail.template.empty_subject"))
    return RenderedMessage(subject=subject, text=parts["text"].strip() + "\n", html=parts["html"])


def render_message(
    context: MessageContext,
    *,
    campaign: str,
    site_url: str,
    locale: str = "zh-CN",
    override: TemplateSource | None = None,
) -> RenderedMessage:
    """Render a typed context with its envelope (the campaign's title and the site's address)."""
    return render(context.kind, template_values(context, campaign, site_url), locale, override)


def validate_override(kind: str, source: TemplateSource, locale: str = "zh-CN") -> None:
    """Refuse an override that is too long, does not parse or needs a variable the kind does
    not provide."""
    _check(kind, locale)
    for part in PARTS:
        if len(getattr(source, part)) > MAX_SOURCE_CHARS:
            too_long = msg("mail.template.source_too_long", limit=MAX_SOURCE_CHARS)
            raise _problem(kind, locale, part, too_long)
    sample = SAMPLES[kind]
    render_message(
        sample, campaign=SAMPLE_CAMPAIGN, site_url=SAMPLE_SITE_URL, locale=locale, override=source
    )


def variables_used(source: str) -> set[str]:
    """The names a template's source reads from its context (Jinja's own `self` aside)."""
    return set(meta.find_undeclared_variables(_SHIPPED.parse(source))) - {"self"}


def shipped_source(kind: str, locale: str = "zh-CN") -> TemplateSource:
    """The shipped templates' source: the starting point for an override."""
    _check(kind, locale)
    folder = TEMPLATES_DIR / locale
    texts = [(folder / f"{kind}.{_SUFFIX[p]}").read_text(encoding="utf-8") for p in PARTS]
    return TemplateSource(*texts)
