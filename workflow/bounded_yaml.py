"""YAML read within bounds: no anchors or aliases, a nesting limit and a size limit.

PyYAML's safe loader expands aliases, so a few hundred bytes of nested `&a [*a, *a, …]` become
millions of nodes (a "billion laughs"), and its composer recurses once per nesting level, so
`[` × 5000 ends in a RecursionError. Definitions need neither, so both are refused while
composing, before anything is expanded or built.
"""

from __future__ import annotations

from typing import Any

import yaml

from config.catalogue import Message, msg

MAX_CHARS = 512 * 1024  # a definition is a few kilobytes; the shipped ones are under 10 KiB
MAX_DEPTH = 32  # the deepest shipped definition nests 6 levels
EXCERPT_CHARS = 40  # at most this much of the input is quoted back in an error


class YamlRefused(Exception):
    """The text is beyond a bound; `problem` says which, quoting at most a short excerpt."""

    def __init__(self, problem: Message) -> None:
        super().__init__(problem.code)
        self.problem = problem


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """At most `limit` characters of a value, on one line, marked when cut."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader with the composer refusing anchors, aliases and deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlRefused(msg("definition.no_alias", line=event.start_mark.line + 1))
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                line = event.start_mark.line + 1
                raise YamlRefused(msg("definition.too_deep", line=line, limit=MAX_DEPTH))
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _DatesAsTextLoader(_BoundedLoader):
    """The bounded loader that leaves dates as the text written (`2027-02-30` is not raised
    from deep in the constructor, so the caller can name the bad date and where it is)."""

    # PyYAML's own way to change resolvers: a class attribute replacing the inherited table.
    yaml_implicit_resolvers = {  # noqa: RUF012
        first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _BoundedLoader.yaml_implicit_resolvers.items()
    }


def _check_size(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise YamlRefused(msg("definition.too_large", limit=MAX_CHARS))


def load_bounded(text: str, *, dates_as_text: bool = False) -> Any:
    """The YAML document as Python data; YamlRefused beyond a bound, YAMLError if malformed.

    With `dates_as_text`, a date stays the string written (the caller checks it).
    """
    _check_size(text)
    loader = (_DatesAsTextLoader if dates_as_text else _BoundedLoader)(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def compose_bounded(text: str) -> yaml.Node | None:
    """The document's node tree (for placing errors at lines), or None when it cannot be read."""
    try:
        _check_size(text)
        loader = _BoundedLoader(text)
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()
    except (YamlRefused, yaml.YAMLError):
        return None
