"""One exception hierarchy for the domain; entry points map it to exit codes and messages."""

from __future__ import annotations

from dataclasses import dataclass

# The root and the mail errors are defined below `workflow` so that `notifications` can
# raise them without importing the domain; they are read here with the rest.
from config.errors import HonorflowError as HonorflowError
from notifications.errors import BadAddress as BadAddress
from notifications.errors import TemplateProblem as TemplateProblem


class DefinitionError(HonorflowError):
    """A workflow definition file is invalid; the message names file, key path and problem."""

    exit_code = 2


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
        allowed_text = ", ".join(self.allowed) if self.allowed else "none"
        super().__init__(
            f"trigger '{trigger}' is not allowed in state '{state}'; allowed: {allowed_text}"
        )


@dataclass(frozen=True)
class RuleFailure:
    """Why a named rule refused: the rule id and a reason that carries its figures."""

    rule: str
    reason: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.reason}"


class GuardFailed(HonorflowError):
    """One or more rules refused the transition."""

    exit_code = 5

    def __init__(self, trigger: str, failures: list[RuleFailure]) -> None:
        self.trigger = trigger
        self.failures = failures
        super().__init__(f"'{trigger}' refused: " + "; ".join(str(f) for f in failures))


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


class QuotaExceeded(HonorflowError):
    """A unit tried to put forward more main nominations than its places."""

    exit_code = 9


@dataclass(frozen=True)
class RowError:
    """One bad cell of an import: where it is and what is wrong."""

    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.field}: {self.reason}"


class ImportFailed(HonorflowError):
    """An import was refused as a whole; every bad row is listed."""

    exit_code = 10

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        head = f"import refused, {len(errors)} error(s); nothing was imported"
        super().__init__(head + "\n" + "\n".join(str(e) for e in errors))


class InvalidState(HonorflowError):
    """An action does not fit the current state of a campaign, task or objection."""

    exit_code = 11


class AuthenticationFailed(HonorflowError):
    """A login or token was refused; one message whatever the cause, so names do not leak."""

    exit_code = 13
