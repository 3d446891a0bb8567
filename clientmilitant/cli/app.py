"""The `cm` command: the root app, one sub-app per noun, and the one place errors become exit codes.

Commands are registered lazily: typer inspects every registered function when it runs, which
for all of cm's commands costs more than the whole work of `cm outline show`. So `main()` builds
the root with only the noun the command line names (`cm outline …` loads cli/outline.py alone),
and with every noun for `cm --help`, completion, or a word it does not know.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import typer

from clientmilitant import __version__
from clientmilitant.cli.common import OPTIONS
from clientmilitant.core.errors import CmError

# name on the command line → (module in clientmilitant.cli, attribute): a Typer sub-app or a function
NOUNS = {
    "outline": ("outline", "app"),
    "section": ("section", "app"),
    "point": ("point", "app"),
    "book": ("book", "app"),
    "init": ("book", "init"),
    "undo": ("book", "undo"),
    "chapter": ("chapter", "app"),
    "stats": ("stats", "stats"),
    "check": ("check", "check"),
    "diff": ("diff", "diff"),
    "source": ("source", "app"),
    "feedback": ("feedback", "app"),
    "export": ("export", "app"),
    "preview": ("preview", "preview"),
}
ROOT_OPTIONS_WITH_VALUE = ("--outline",)


def _version(value: bool) -> None:
    if value:
        print(f"cm {__version__}")
        raise typer.Exit()


def root(
    outline: str | None = typer.Option(
        None,
        "--outline",
        envvar="CM_OUTLINE",
        metavar="PATH",
        help="The book's outline.yaml (or its folder). Default: the nearest outline.yaml here or above.",
    ),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print cm's version."),
) -> None:
    """cm — write a book from its plan: outline, chapters, sources, progress, export.

    Example: cm outline show --depth 2
    """
    OPTIONS.outline = outline


def build(names: list[str] | None = None) -> typer.Typer:
    """The root app with the given nouns registered (all of them by default)."""
    app = typer.Typer(
        name="cm",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    for name in names or NOUNS:
        module_name, attribute = NOUNS[name]
        target = getattr(importlib.import_module(f"clientmilitant.cli.{module_name}"), attribute)
        if isinstance(target, typer.Typer):
            app.add_typer(target, name=name)
        else:
            app.command(name)(target)
    return app


def requested_noun(arguments: list[str]) -> str | None:
    """The noun a command line asks for (`cm --outline x outline show` → outline), if cm knows it."""
    skip_value = False
    for argument in arguments:
        if skip_value:
            skip_value = False
        elif argument in ROOT_OPTIONS_WITH_VALUE:
            skip_value = True
        elif not argument.startswith("-"):
            return argument if argument in NOUNS else None
    return None


def __getattr__(name: str) -> typer.Typer:
    """`from clientmilitant.cli.app import app`: the whole app, for tests and documentation tools."""
    if name == "app":
        return build()
    raise AttributeError(name)


def main() -> None:
    """Entry point: run the app; a CmError becomes one line on stderr and its exit status."""
    completing = "_CM_COMPLETE" in os.environ  # shell completion needs every command
    from clientmilitant.cli.common import EscapingStream

    sys.stdout, sys.stderr = EscapingStream(sys.stdout), EscapingStream(sys.stderr)
    unreadable = next((argument for argument in sys.argv[1:] if not _is_text(argument)), None)
    if unreadable is not None:  # bytes that are not valid in the locale's encoding (surrogate escapes)
        shown = unreadable.encode("utf-8", "backslashreplace").decode("utf-8")
        sys.stderr.write(f"cm: the argument '{shown}' is not valid text; give it in UTF-8\n")
        sys.exit(2)
    noun = None if completing else requested_noun(sys.argv[1:])
    try:
        build([noun] if noun else None)(prog_name="cm")
    except CmError as error:
        sys.stderr.write(f"cm: {error}\n")
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("cm: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:  # `cm outline show | head`
        sys.exit(0)
    except OSError as error:  # the disk is full, read-only, a folder is a file…: one line, never a traceback
        sys.stderr.write(f"cm: {os_error_message(error)}\n")
        sys.exit(1)


def _is_text(argument: str) -> bool:
    try:
        argument.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def os_error_message(error: OSError) -> str:
    """`chapters/x.md: No space left on device`: the path (relative when inside the current folder) and the cause."""
    import errno

    from clientmilitant.cli.common import display_path

    cause = error.strerror or error.__class__.__name__
    if error.errno in (errno.EEXIST, errno.ENOTDIR):
        cause += " (a file stands where cm expects a folder)"
    elif error.errno == errno.EISDIR:
        cause += " (a folder stands where cm expects a file)"
    paths = [p for p in (error.filename, error.filename2) if p is not None]
    if not paths:
        return f"cannot complete the command: {cause}"
    shown = " → ".join(display_path(Path(os.fsdecode(p))) for p in paths)
    return f"{shown}: {cause}"
