"""What goes wrong with a message before it reaches the server: its template or an address.

Both are part of the one hierarchy (re-exported by `workflow.errors`), so every entry point
answers them like any other error: exit code 12, HTTP 422, a line a person can act on.
"""

from __future__ import annotations

from config.errors import HonorflowError


class TemplateProblem(HonorflowError):
    """A message template cannot be used; the message names kind, locale, part and the problem."""

    exit_code = 12


class BadAddress(HonorflowError):
    """An email address cannot be used as sender or recipient; the message names it."""

    exit_code = 12
