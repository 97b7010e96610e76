"""Finding English words in what a person reads: page text (tags, scripts, styles and
attribute values stripped) and command output, against an allow-list of proper tokens."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

# Proper tokens a Chinese page or command output may show: formats, standards, the
# product's name, e-mail addresses, and words given by the caller (user names, codes
# shown deliberately in code-only places).
PROPER = (
    "XLSX",
    "CSV",
    "YAML",
    "UTF-8",
    "API",
    "ID",
    "URL",
    "PDF",
    "PNG",
    "SVG",
    "honorflow",
    "English",  # the language switch names the language in its own words
)
# Elements that show codes deliberately (a definition's key, its YAML source, a unit code).
CODE_ONLY = ("code", "pre", "kbd", "samp")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# A masked e-mail address or identity number keeps its first and last character: n****g.
MASKED = re.compile(r"\w\*{3,}\w")
# Proper phrases: the command the quota page points to.
PHRASES = ("honorflow campaign quota",)
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9]|[A-Za-z]")


class _Text(HTMLParser):
    """The text nodes of a page, without scripts, styles, code elements or attribute values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", *CODE_ONLY):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", *CODE_ONLY) and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def page_text(html: str) -> str:
    """What a reader sees of a page: its text nodes, joined by newlines."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(p for p in parser.parts if p.strip())


def latin_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Latin words in a text that are neither proper tokens nor in `allowed`."""
    keep = set(PROPER) | set(allowed)
    rest = MASKED.sub(" ", EMAIL.sub(" ", text))
    for phrase in PHRASES:
        rest = rest.replace(phrase, " ")
    return [w for w in WORD.findall(rest) if w not in keep]
