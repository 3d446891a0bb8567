"""The `cm` command: the root app, one sub-app per noun, and the one place errors become exit codes."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from clientmilitant import __version__
from clientmilitant.cli import book as book_cli
from clientmilitant.cli import chapter as chapter_cli
from clientmilitant.cli import check as check_cli
from clientmilitant.cli import export as export_cli
from clientmilitant.cli import feedback as feedback_cli
from clientmilitant.cli import outline as outline_cli
from clientmilitant.cli import point as point_cli
from clientmilitant.cli import section as section_cli
from clientmilitant.cli import source as source_cli
from clientmilitant.cli import stats as stats_cli
from clientmilitant.cli.common import OPTIONS
from clientmilitant.errors import CmError

app = typer.Typer(
    name="cm",
    help="cm — write a book from its plan: outline, chapters, sources, progress, export.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"cm {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    outline: Optional[str] = typer.Option(
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


app.add_typer(outline_cli.app, name="outline")
app.add_typer(section_cli.app, name="section")
app.add_typer(point_cli.app, name="point")
app.add_typer(book_cli.app, name="book")
app.add_typer(source_cli.app, name="source")
app.command("init")(book_cli.init)
app.command("undo")(book_cli.undo)
app.add_typer(chapter_cli.app, name="chapter")
app.command("stats")(stats_cli.stats)
app.command("check")(check_cli.check)
app.add_typer(feedback_cli.app, name="feedback")
app.add_typer(export_cli.app, name="export")


def main() -> None:
    """Entry point: run the app; a CmError becomes one line on stderr and its exit status."""
    try:
        app(prog_name="cm")
    except CmError as error:
        sys.stderr.write(f"cm: {error}\n")
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("cm: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:  # `cm outline show | head`
        sys.exit(0)
