"""The root of honorflow's one exception hierarchy.

It lives here, at the bottom of the import graph, only so that every layer can raise
errors the entry points already know how to answer: `notifications` (which must not import
`workflow`) raises its template and address problems from it. The hierarchy itself is read
in `workflow/errors.py`, which re-exports this class and the notification errors; entry
points keep importing from there.
"""

from __future__ import annotations

from config.catalogue import DEFAULT, Message, render


class HonorflowError(Exception):
    """Base of every error a person can act on.

    It carries its words as a `Message` (a catalogue code and figures) that entry points
    render in the caller's locale (`error.text(locale)`); `str(error)` is the Chinese text.
    """

    exit_code = 1

    def __init__(self, *args: object, message: Message | None = None) -> None:
        if message is None and len(args) == 1 and isinstance(args[0], Message):
            message = args[0]
        super().__init__(*args)
        self.message = message

    def text(self, locale: str = DEFAULT) -> str:
        """The error in a person's words, in a locale."""
        if self.message is not None:
            return render(self.message, locale)
        return super().__str__()

    def __str__(self) -> str:
        return self.text(DEFAULT)
