"""The one exception family of cm, and the exit statuses it maps to.

Services raise these; only `cli.app` turns them into a line on stderr and an exit status.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # a check found errors, an export failed
EXIT_USAGE = 2  # bad input or bad use: nothing was changed


class CmError(Exception):
    """An error a person can act on: `message` says what is wrong, `hint` what to do."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class BookError(CmError):
    """The book on disk is not valid: the message starts with `file:line:col:`."""


class OutOfRange(CmError):
    """A place given by number (a position, a point) beyond the places there are.

    The CLI words it with the option the number came from: `--position must be between 1 and 4…`."""

    def __init__(self, what: str, low: int, high: int, given: int) -> None:
        self.what, self.low, self.high, self.given = what, low, high, given
        super().__init__(f"{what} must be between {low} and {high} here, not {given}")


class NotFound(CmError):
    """A REF, id or file named by the user does not exist."""


class Refused(CmError):
    """The operation would lose or break something; it names the option that allows it."""


class LockTimeout(CmError):
    """Another cm process holds the book's lock for too long."""


class Failed(CmError):
    """A check or an export ran and failed: exit status 1."""

    exit_code = EXIT_FAILED
