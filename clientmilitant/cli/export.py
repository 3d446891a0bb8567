"""`cm export markdown|epub|docx|html|pdf`: the book through pandoc, into build/<slug>.<ext> or -o PATH."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from clientmilitant.cli.common import (
    JSON_OPTION,
    PANDOC_OPTION,
    console,
    current_book,
    display_path,
    escape,
    print_json,
    say,
)

app = typer.Typer(
    help="Export the book through pandoc: markdown, epub, docx, html or pdf (default: build/<title>.<ext>).",
    no_args_is_help=True,
)

COMMANDS = {  # format: (what it makes, an example)
    "markdown": ("one Markdown manuscript with a YAML metadata block", "cm export markdown --drafts"),
    "epub": (
        "an EPUB 3 e-book: one file per section, title page, table of contents",
        "cm export epub --status revised,final",
    ),
    "docx": ("a Word document, for a publisher", "cm export docx -o manuscrit.docx"),
    "html": ("one standalone HTML page, for the blog", "cm export html --part 2"),
    "pdf": ("a print-ready PDF book, typeset by Typst (trim size: cm book set trim)", "cm export pdf --part 1"),
}


def split_list(values: list[str] | None) -> tuple[str, ...]:
    """`--only 2.1,3 --only 1.2` → ('2.1', '3', '1.2')."""
    return tuple(item.strip() for value in values or [] for item in value.split(",") if item.strip())


@contextmanager
def progress_display() -> Iterator[Callable[[str], None]]:
    """The export's steps on stderr (stdout stays for --json): a rich spinner on a terminal, plain lines elsewhere."""
    if not sys.stderr.isatty():
        yield lambda step: sys.stderr.write(f"cm: {step}\n")
        return
    with console(stderr=True).status("starting") as status:

        def show(step: str) -> None:
            status.update(escape(step) + "…")

        yield show


# long: the command's signature declares its ten options, as typer reads them
def make_command(fmt: str) -> Callable[..., None]:
    what, example = COMMANDS[fmt]

    # long: ten typer options in the signature, then one service call and its rendering
    def command(
        output: Path | None = typer.Option(
            None, "-o", "--output", metavar="PATH", help="Where to write it (default: build/<slug of the title>.<ext>)."
        ),
        part: list[str] | None = typer.Option(
            None, "--part", metavar="REF", help="Export only this part (repeatable)."
        ),
        only: list[str] | None = typer.Option(
            None,
            "--only",
            metavar="REF",
            help="Export only these sections, with their sub-sections (repeatable, or REF,REF).",
        ),
        status: str | None = typer.Option(
            None, "--status", metavar="LIST", help="Export only sections with these statuses, e.g. revised,final."
        ),
        drafts: bool = typer.Option(
            False, "--drafts", help="Show the points of sections without text as an « à écrire » list."
        ),
        no_french: bool = typer.Option(
            False,
            "--no-french-typography",
            help="Leave spaces and quotes as typed (French typography is on when lang is fr).",
        ),
        css: Path | None = typer.Option(
            None, "--css", metavar="FILE", help="A stylesheet to use instead of cm's (epub, html)."
        ),
        pandoc: str | None = PANDOC_OPTION,
        as_json: bool = JSON_OPTION,
    ) -> None:
        from clientmilitant.services.export import ExportOptions, export_book

        options = ExportOptions(
            format=fmt,
            output=output,
            parts=split_list(part),
            refs=split_list(only),
            statuses=split_list([status] if status else []),
            drafts=drafts,
            french_typography=not no_french,
            css=css,
            pandoc=pandoc,
        )
        with progress_display() as progress:
            result = export_book(current_book(), options, progress)
        for warning in result.warnings:
            sys.stderr.write(f"cm: pandoc warning: {warning}\n")
        if as_json:
            print_json(result.data())
            return
        say(
            f"wrote [bold]{escape(display_path(result.output))}[/bold]: {len(result.sections)} sections, "
            f"{result.chapters} with text, {result.sources} sources"
        )
        if result.identifier_created:
            say(f"[dim]the book's identifier is now {result.identifier} (kept in outline.yaml)[/dim]")

    command.__doc__ = (
        f"Export the book as {what}.\n\n"
        "Sections in outline order, each with its text and sources, then a « Sources » chapter. "
        "Written atomically: a failed export leaves an earlier file as it was.\n\n"
        f"Example: {example}\n"
    )
    return command


for _format in COMMANDS:
    app.command(_format)(make_command(_format))
