"""Documents as HTML and PDF: one Jinja2 environment, one stylesheet, WeasyPrint for PDFs.

The templates here are the one home of the notice's and the final list's layout: the web
page includes the same body (`notice_body.html`) that the PDF prints, and links the same
stylesheet (`document.css`, A4 portrait, the table header repeated on every page).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from config import catalogue
from workflow.queries.notice import FinalListDocument, NoticeDocument

TEMPLATES = Path(__file__).resolve().parent / "templates"
ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "xml"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def stylesheet() -> str:
    """The documents' stylesheet (screen and print)."""
    return (TEMPLATES / "document.css").read_text(encoding="utf-8")


def translator(locale: str) -> Callable[..., str]:
    """`t(key, **figures)`: a catalogue msgid (dotted) or a page string, in one locale."""

    def t(key: str, **figures: Any) -> str:
        return catalogue.text(key if "." in key else f"page.{key}", locale, **figures)

    return t


def _html(body: str, title: str, locale: str, values: dict[str, Any]) -> str:
    context = {"t": translator(locale), "lang": locale, "css": stylesheet(), **values}
    return ENV.get_template("document.html").render(body=body, title=title, **context)


def notice_html(doc: NoticeDocument, locale: str = catalogue.DEFAULT) -> str:
    """The notice as a standalone HTML document (what the PDF prints)."""
    return _html("notice_body.html", doc.office.title, locale, {"doc": doc})


def final_list_html(doc: FinalListDocument, locale: str = catalogue.DEFAULT) -> str:
    """The final list as a standalone HTML document."""
    title = catalogue.text("notice_doc.final_title", locale, campaign=doc.campaign.title)
    return _html("final_list_body.html", title, locale, {"doc": doc})


@lru_cache(maxsize=8)
def pdf(html: str) -> bytes:
    """An HTML document as PDF (WeasyPrint: pango lays out the text in the installed fonts).

    Kept for the same HTML: the public notice's PDF takes seconds of CPU per thousand names
    and anyone may ask for it, so asking again for an unchanged notice costs nothing."""
    from weasyprint import HTML  # imported when asked for: it loads pango and the fonts

    return bytes(HTML(string=html, base_url=str(TEMPLATES)).write_pdf())
