"""Text a person typed, as request and form models take it: no NUL or other control character
(a long text may hold tabs and line breaks), no line or paragraph separator in a one-line
field, and a one-line field never spaces only (a long text's blankness is for its service to
word, e.g. a veto without a written reason). PostgreSQL cannot store a NUL, and a separator in
a name breaks the mail headers built from it, so both are refused where the text comes in.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# Categories refused anywhere: controls, surrogates; in one line also line/paragraph separators.
_NEVER = {"Cc", "Cs"}
_NOT_IN_A_LINE = _NEVER | {"Zl", "Zp"}
_LONG_TEXT_ALLOWS = "\t\n\r"  # a textarea's lines (browsers post CR LF)


def bad_character(text: str, long: bool = False) -> int | None:
    """The 1-based position of the first character the text may not hold, or None."""
    refused = _NEVER if long else _NOT_IN_A_LINE
    for position, char in enumerate(text, start=1):
        if long and char in _LONG_TEXT_ALLOWS:
            continue
        if unicodedata.category(char) in refused:
            return position
    return None


def _checked(text: str, long: bool) -> str:
    if bad_character(text, long) is not None:
        raise PydanticCustomError("control_character", "must not contain control characters")
    if not long and text and not text.strip():  # a long text's own check words it better
        raise PydanticCustomError("blank", "must not be spaces only")
    return text


def _line(text: str) -> str:
    return _checked(text, long=False)


def _long(text: str) -> str:
    return _checked(text, long=True)


CleanText = Annotated[str, AfterValidator(_line)]
"""One line of text: a name, a code, a title."""
CleanLongText = Annotated[str, AfterValidator(_long)]
"""Text over several lines: a summary, deeds, a reason, an opinion, findings."""
