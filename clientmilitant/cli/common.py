"""What every command shares: the book it works on, and output for people (rich) or scripts (JSON).

rich is imported only when something is rendered for a person; JSON output never goes through
rich, so it holds no colour codes or markup.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer

from clientmilitant.storage.files import display_path  # noqa: F401 (how every command names a file)

if TYPE_CHECKING:
    from rich.console import Console

    from clientmilitant.storage.book import Book


@dataclass
class Options:
    """Options given before the command (`cm --outline PATH …`)."""

    outline: str | None = None


OPTIONS = Options()

JSON_OPTION = typer.Option(False, "--json", help="Print JSON for scripts instead of a table or tree.")
REF_ARGUMENT = typer.Argument(..., metavar="REF", help="A section: its number (2.1) or its id.")
PANDOC_OPTION = typer.Option(
    None, "--pandoc", envvar="CM_PANDOC", metavar="PATH", help="The pandoc to run (default: the one installed with cm)."
)


def current_book() -> Book:
    from clientmilitant.storage.book import find_book

    return find_book(OPTIONS.outline)


def book_if_any() -> Book | None:
    """The book named by --outline or found upwards; None when there is none here (never when
    --outline names one that does not exist: that is an error)."""
    from clientmilitant.core.errors import NotFound

    try:
        return current_book()
    except NotFound:
        if OPTIONS.outline:
            raise
        return None


@contextlib.contextmanager
def options_named(**options: str) -> Iterator[None]:
    """Word a number out of range by the option it came from: the model says `position must be
    between 1 and 4 here, not 9`, the user reads `--position must be between 1 and 4 here, not 9`."""
    from clientmilitant.core.errors import CmError, OutOfRange

    try:
        yield
    except OutOfRange as error:
        if error.what not in options:
            raise
        raise CmError(
            f"{options[error.what]} must be between {error.low} and {error.high} here, not {error.given}"
        ) from None


def print_json(data: Any) -> None:
    """Indented for a person on a terminal; compact in a pipe, where json's C encoder is ~5× faster
    (it is not used with indent) and `jq` indents anyway. json escapes C0 controls itself; DEL, C1
    controls and bidi overrides, which it leaves raw, are written as `\\u009b` too."""
    from clientmilitant.core.untrusted import json_escape_controls

    if is_terminal():
        text = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write(json_escape_controls(text) + "\n")


def is_terminal() -> bool:
    """Whether stdout is a terminal (or rich is told to act as one: FORCE_COLOR, TTY_COMPATIBLE=1)."""
    if os.environ.get("TTY_COMPATIBLE") == "1" or os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def console(stderr: bool = False) -> Console:
    """A console on stdout (or stderr): the only way cm's commands draw with rich. Every piece of text
    it draws has its control characters shown escaped (`\\x1b[31m`) before rich adds its own colour
    codes, so that no title, chapter, feed or file name can reach the terminal raw, whatever the
    renderable (text, table, tree, progress). rich itself drops colour when NO_COLOR is set or the
    stream is not a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    return _safe_console_class()(file=getattr(stream, "raw", stream), highlight=False, soft_wrap=False)


@functools.cache
def _safe_console_class() -> type[Console]:
    from rich.console import Console
    from rich.segment import Segment

    from clientmilitant.core.untrusted import escape_controls

    class SafeConsole(Console):
        """rich's Console, escaping control characters in every text segment (not in rich's own
        control segments: cursor moves of a progress bar)."""

        def _render_buffer(self, buffer: Iterable[Segment]) -> str:
            safe = (
                segment if segment.control else Segment(escape_controls(segment.text), *segment[1:])
                for segment in buffer
            )
            return super()._render_buffer(safe)

    return SafeConsole


# The styles cm's messages use. In a pipe they are dropped without loading rich (~40 ms a command).
_STYLE_TAG = r"(?<!\\)\[/?(?:bold|dim|red|green|yellow|cyan|magenta)?\]"


def say(message: str) -> None:
    """One line of confirmation for a person, on stdout (rich markup allowed: [bold], [dim]…)."""
    if is_terminal():
        console().print(message)
    else:
        import re

        sys.stdout.write(re.sub(_STYLE_TAG, "", message).replace("\\[", "[") + "\n")


def escape(text: str) -> str:
    """Author's text shown inside rich markup: `[` in a title must not be read as a style."""
    return text.replace("[", r"\[")


def warn(message: str) -> None:
    """One line on stderr for something done that the user must know of (a post skipped, a guess)."""
    sys.stderr.write(f"cm: warning: {message}\n")


class EscapingStream:
    """stdout or stderr with every control character shown escaped (`\\x1b]0;…`, `\\x1b[31m`): a title
    from a feed must never clear the screen, set the terminal's title or colour the text. Tab and
    newline pass. cm's own rich consoles (`console()`) escape author text themselves and write to
    `raw`; another library's rich console (typer's help and usage errors, whose text is cm's own
    docstrings and arguments click quotes with repr) writes through `rich_proxied_file`, where
    only colour codes pass."""

    def __init__(self, stream: Any) -> None:
        self.raw = stream

    def write(self, text: str) -> int:
        from clientmilitant.core.untrusted import escape_controls

        self.raw.write(escape_controls(text))
        return len(text)

    @property
    def rich_proxied_file(self) -> _ColourStream:
        return _ColourStream(self.raw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class _ColourStream(EscapingStream):
    """What a rich console not of cm's writes: its colour codes pass, every other control character is escaped."""

    def write(self, text: str) -> int:
        from clientmilitant.core.untrusted import escape_terminal

        self.raw.write(escape_terminal(text))
        return len(text)

    @property
    def rich_proxied_file(self) -> _ColourStream:
        return self
