"""A problem with one configured value (a definition, a rule's parameters), as a Message.

Raised where pydantic validates: it keeps the exception in the error's context, so the
problem reaches the reader in their language, with its key path (`workflow.definition`).
It lives apart from `workflow.definition` because the rule modules it serves are imported
by that module.
"""

from __future__ import annotations

from config.catalogue import Message, render


class Problem(ValueError):
    """A value's problem as a catalogue Message; `str()` is the English text."""

    def __init__(self, message: Message) -> None:
        super().__init__(render(message, "en"))
        self.message = message


class KeyProblem(ValueError):
    """A cross-field problem found at one or more key paths of the definition."""

    def __init__(self, problems: list[tuple[str, Message]]) -> None:
        super().__init__("; ".join(f"{path}: {render(m, 'en')}" for path, m in problems))
        self.problems = problems
