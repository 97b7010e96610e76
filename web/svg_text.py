"""Text in server-drawn SVG: estimated widths and line wrapping, so no label is ever cut.

SVG does not wrap text and the server cannot measure fonts; a Chinese character is taken as
one em wide and other characters as 0.6 em (generous for the sans-serif fonts the pages
ask for), and lines are broken before they would pass the width available.
"""

from __future__ import annotations

from html import escape

WIDE_FROM = 0x2E80  # CJK radicals onwards, full-width punctuation included


def text_width(words: str, size: float) -> float:
    """Estimated width of a line of text at a font size."""
    return sum(size if ord(c) >= WIDE_FROM else 0.6 * size for c in words)


def wrap(words: str, width: float, size: float) -> list[str]:
    """The text in lines no wider than `width`: at spaces when it has them, else anywhere."""
    lines: list[str] = []
    line = ""
    for token in _tokens(words):
        if line and text_width(line + token, size) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
        while text_width(line, size) > width and len(line) > 1:  # one token longer than a line
            cut = _fitting(line, width, size)
            lines.append(line[:cut])
            line = line[cut:]
    return [*lines, line.rstrip()] if line.strip() or not lines else lines


def _tokens(words: str) -> list[str]:
    """Latin words stay whole (with their following space); each Chinese character stands alone."""
    tokens: list[str] = []
    for char in words:
        if tokens and ord(char) < WIDE_FROM and ord(tokens[-1][-1]) < WIDE_FROM \
                and not tokens[-1].endswith(" "):  # fmt: skip
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def _fitting(line: str, width: float, size: float) -> int:
    """How many characters of the line fit in the width (at least one)."""
    count = 1
    while count < len(line) and text_width(line[: count + 1], size) <= width:
        count += 1
    return count


def text_lines(lines: list[str], x: float, y: float, size: float, css: str, anchor: str) -> str:
    """An SVG <text> of several lines (escaped), the first baseline at y, 1.3 em apart."""
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size * 1.3:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" class="{css}" '
        f'text-anchor="{anchor}">{spans}</text>'
    )
