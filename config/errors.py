"""The root of honorflow's one exception hierarchy.

It lives here, at the bottom of the import graph, only so that every layer can raise
errors the entry points already know how to answer: `notifications` (which must not import
`workflow`) raises its template and address problems from it. The hierarchy itself is read
in `workflow/errors.py`, which re-exports this class and the notification errors; entry
points keep importing from there.
"""

from __future__ import annotations


class HonorflowError(Exception):
    """Base of every error a person can act on."""

    exit_code = 1
