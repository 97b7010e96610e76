"""One exception hierarchy for the domain; entry points map it to exit codes and messages.

An error carries its words as a `Message` (a catalogue code and figures) that entry points
render in the caller's locale (`error.text(locale)`); `str(error)` is the Chinese text. An
error raised with a plain string (code not yet converted) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from config.catalogue import DEFAULT, Label, Listing, Message, msg, render

# The root and the mail errors are defined below `workflow` so that `notifications` can
# raise them without importing the domain; they are read here with the rest.
from config.errors import HonorflowError as HonorflowError
from notifications.errors import BadAddress as BadAddress
from notifications.errors import TemplateProblem as TemplateProblem


class DefinitionError(HonorflowError):
    """A workflow definition file is invalid; the message names file, key path and problem."""

    exit_code = 2


class DefinitionRefused(DefinitionError):
    """A definition text refused before reading it: too large, aliased or nested too deep."""


class TooManyAttempts(HonorflowError):
    """A rate limit is used up (logins, public objections): try again later."""

    exit_code = 13


class NotFound(HonorflowError):
    """A referenced object does not exist."""

    exit_code = 3


class TransitionNotAllowed(HonorflowError):
    """The trigger is not allowed in the nomination's current state."""

    exit_code = 4

    def __init__(self, state: str, trigger: str, allowed: list[str]) -> None:
        self.state = state
        self.trigger = trigger
        self.allowed = sorted(allowed)
        labels = [Label("trigger", t) for t in self.allowed]
        super().__init__(
            message=msg(
                "error.transition_not_allowed",
                trigger=Label("trigger", trigger),
                state=Label("state", state),
                allowed=labels if labels else msg("error.nothing_allowed"),
            )
        )


@dataclass(frozen=True, init=False)
class RuleFailure:
    """Why a named rule refused: the rule id, and a code with the figures it applied.

    `RuleFailure("unit_notice", msg("rule.unit_notice.too_short", days=3, minimum=5))`; a
    plain-string reason (from code not yet converted) is kept and shown as it is.
    """

    rule: str
    message: Message

    def __init__(self, rule: str, reason: Message | str) -> None:
        object.__setattr__(self, "rule", rule)
        text = reason if isinstance(reason, Message) else msg("text.plain", text=reason)
        object.__setattr__(self, "message", text)

    @property
    def code(self) -> str:
        """The reason's catalogue code, e.g. `rule.unit_notice.too_short`."""
        return self.message.code

    @property
    def params(self) -> Mapping[str, Any]:
        """The figures behind the reason."""
        return self.message.params

    @property
    def reason(self) -> str:
        """The reason in Chinese (what the audit stores)."""
        return render(self.message, DEFAULT)

    def text(self, locale: str = DEFAULT) -> str:
        """The rule's label and the reason, in a locale."""
        return render(self.described(), locale)

    def described(self) -> Message:
        """The rule's label and the reason as one Message."""
        return msg("rule.failure", rule=Label("rule", self.rule), reason=self.message)

    def __str__(self) -> str:
        return self.text(DEFAULT)


class GuardFailed(HonorflowError):
    """One or more rules refused the transition."""

    exit_code = 5

    def __init__(self, trigger: str, failures: list[RuleFailure]) -> None:
        self.trigger = trigger
        self.failures = failures
        reasons = Listing(tuple(f.described() for f in failures), "semicolon")
        super().__init__(
            message=msg("error.guard_failed", trigger=Label("trigger", trigger), reasons=reasons)
        )


class PermissionDenied(HonorflowError):
    """The actor may not perform this action."""

    exit_code = 6


class Recused(PermissionDenied):
    """A reviewer with a conflict of interest (e.g. from the nominee's own unit) stands aside."""


class ConcurrentChange(HonorflowError):
    """Another action changed the same row first; reload and try again."""

    exit_code = 7


class CalendarRangeError(HonorflowError):
    """A date lies outside the years the working-day calendar knows."""

    exit_code = 8


class CalendarScheduleInvalid(HonorflowError):
    """A year's holiday schedule file is refused as a whole; each problem names the day."""

    exit_code = 2

    def __init__(self, file: str, problems: list[Message]) -> None:
        self.file = file
        self.problems = problems
        lines = Listing(tuple(problems), "lines")
        super().__init__(
            message=msg("error.calendar_schedule", file=file, count=len(problems), problems=lines)
        )


class QuotaExceeded(HonorflowError):
    """A unit tried to put forward more main nominations than its places."""

    exit_code = 9


@dataclass(frozen=True, init=False)
class RowError:
    """One bad cell of an import: where it is and what is wrong (a code and figures).

    Shown as `file:row: field: reason`, the field by its label and the reason in a locale.
    """

    file: str
    row: int
    field: str
    message: Message

    def __init__(self, file: str, row: int, field: str, reason: Message | str) -> None:
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "row", row)
        object.__setattr__(self, "field", field)
        text = reason if isinstance(reason, Message) else msg("text.plain", text=reason)
        object.__setattr__(self, "message", text)

    @property
    def code(self) -> str:
        """The reason's catalogue code, e.g. `import.not_a_date`."""
        return self.message.code

    @property
    def reason(self) -> str:
        """The reason in Chinese."""
        return render(self.message, DEFAULT)

    def described(self) -> Message:
        """The whole line as one Message."""
        return msg(
            "import.row_error",
            file=self.file,
            row=self.row,
            field=Label("field", self.field),
            reason=self.message,
        )

    def text(self, locale: str = DEFAULT) -> str:
        """`file:row: field: reason` in a locale."""
        return render(self.described(), locale)

    def __str__(self) -> str:
        return self.text(DEFAULT)


class ImportFailed(HonorflowError):
    """An import was refused as a whole; the first REPORTED bad cells are listed, the rest
    counted (`more`), so a file of a hundred thousand bad cells gives a short answer."""

    exit_code = 10
    REPORTED = 100

    def __init__(self, errors: list[RowError], more: int = 0) -> None:
        self.errors = errors[: self.REPORTED]
        self.more = more + len(errors) - len(self.errors)
        self.total = len(self.errors) + self.more
        lines: tuple[Message, ...] = tuple(e.described() for e in self.errors)
        if self.more:
            lines += (msg("import.more_errors", n=self.more),)
        rows = Listing(lines, "lines")
        super().__init__(message=msg("error.import_failed", count=self.total, rows=rows))


class ImportTooLarge(ImportFailed):
    """An import refused because the file is over a size cap (its bytes, or an XLSX's unpacked
    size or parts): 413 on the web."""


class InvalidState(HonorflowError):
    """An action does not fit the current state of a campaign, task or objection."""

    exit_code = 11


class InvalidDecision(InvalidState):
    """The committee's decision names what cannot be decided (an exception not before the
    committee, an exception without its reason): bad input, 422 on the API."""


class AttachmentTooLarge(HonorflowError):
    """An uploaded file is larger than the configured limit; reading stopped at the limit."""

    exit_code = 14


class AttachmentType(HonorflowError):
    """An uploaded file is not a PDF, JPEG or PNG by its content (whatever its name says)."""

    exit_code = 15


class AuthenticationFailed(HonorflowError):
    """A login or token was refused; one message whatever the cause, so names do not leak."""

    exit_code = 13


class InvalidInput(HonorflowError):
    """A value a person gave cannot be used; `field` names it (e.g. `submission_deadline`)."""

    exit_code = 10

    def __init__(self, field: str, message: Message) -> None:
        super().__init__(message=message)
        self.field = field


class BadInput(InvalidInput):
    """A list filter's or bulk request's value that cannot be used: the message names the
    field by its label, since it is shown apart from the form (exit code 2, like click's)."""

    exit_code = 2

    def __init__(self, field: str, message: Message) -> None:
        shown = Label("input", field)
        super().__init__(field, msg("error.invalid.field", field=shown, problem=message))


class ProofRefused(InvalidInput):
    """The proof that a person is there (the objection form's question) is missing, wrong,
    expired or already used."""

    def __init__(self, message: Message, field: str = "challenge") -> None:
        super().__init__(field, message)


class PhaseMoveRefused(InvalidState):
    """A campaign cannot move to the phase asked for; `allowed` lists the phases it may."""

    def __init__(self, message: Message, allowed: list[str]) -> None:
        super().__init__(message=message)
        self.allowed = allowed


class NotReady(HonorflowError):
    """A process cannot start: its database is unreachable or not at the current schema, or a
    folder it needs cannot be made. The message says in one line what to do."""

    exit_code = 16
