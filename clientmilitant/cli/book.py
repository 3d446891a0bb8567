"""`cm book …` (metadata), `cm init` (a new book) and `cm undo` (the last change, undone)."""

from __future__ import annotations

import datetime
from dataclasses import asdict
from pathlib import Path

import typer

from clientmilitant.cli.common import JSON_OPTION, console, current_book, escape, print_json, say
from clientmilitant.core import model

app = typer.Typer(help="Show or set the book's metadata (title, author, lang…).", no_args_is_help=True)


@app.command("set")
def set_(
    key: str = typer.Argument(..., help=f"One of: {', '.join(k for k in model.BOOK_KEYS if k != 'identifier')}."),
    value: str = typer.Argument(..., help="The new value ('' clears it)."),
) -> None:
    """Set one of the book's metadata, as e-readers and the export use it.

    Example: cm book set author "Jean Dupont"
    """
    with current_book().edit(f"book set {key}") as change:
        model.set_book_value(change.outline.book, key, value)
    say(f"book {key}: {escape(getattr(change.outline.book, key)) or '(empty)'}")


@app.command("show")
def show(as_json: bool = JSON_OPTION) -> None:
    """Show the book's metadata.

    Example: cm book show --json
    """
    meta = asdict(current_book().load().book)
    if as_json:
        print_json(meta)
        return
    from rich.table import Table

    table = Table(show_header=False, box=None)
    for key, value in meta.items():
        table.add_row(f"[bold]{key}[/bold]", escape(value) if value else "[dim](empty)[/dim]")
    console().print(table)


def init(
    title: str | None = typer.Option(None, "--title", help="The book's title (default: the folder's name)."),
    lang: str = typer.Option("fr-FR", "--lang", help="The book's language (BCP 47), for typography and e-readers."),
) -> None:
    """Start a new book in the current folder: outline.yaml and chapters/.

    Example: cm init --title "Le client militant"
    """
    from clientmilitant.services.outline import init_book

    folder = Path.cwd()
    book = init_book(folder, title or folder.name, lang)
    say(f'created {escape(book.display_name)} and chapters/ — next: cm section add "Première partie"')


def undo() -> None:
    """Put back outline.yaml as it was before the last change (the last 20 are kept).

    Example: cm undo
    """
    entry = current_book().undo()
    when = datetime.datetime.fromtimestamp(entry.time).strftime("%Y-%m-%d %H:%M")
    say(f"undone: {escape(entry.action)} ({when})")
    for move in entry.moves:
        say(f"  {move.target} is back in {move.source}")
