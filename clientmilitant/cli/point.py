"""`cm point …`: the points (bullets) of a section, numbered from 1 as `cm outline show` lists them."""

from __future__ import annotations

from typing import Optional

import typer

from clientmilitant.cli.common import REF_ARGUMENT, current_book, escape, say
from clientmilitant.core import model

app = typer.Typer(help="Add, remove or reorder the points of a section.", no_args_is_help=True)
POINT_NUMBER = typer.Argument(..., metavar="N", help="The point's number, from 1, as `cm outline show` lists them.")


@app.command("add")
def add(
    ref: str = REF_ARGUMENT,
    text: str = typer.Argument(..., help="The point, as you would write it in the plan."),
    position: Optional[int] = typer.Option(None, "--position", min=1, metavar="N", help="Its place, from 1."),
) -> None:
    """Add a point to a section.

    Example: cm point add 2.3 "le client devient juge"
    """
    with current_book().edit(f"point add {ref}") as change:
        located, number = model.add_point(change.outline, ref, text, position)
    say(f"added point {number} to [bold]{located.number}[/bold] {escape(located.section.title)}")


@app.command("remove")
def remove(ref: str = REF_ARGUMENT, number: int = POINT_NUMBER) -> None:
    """Remove point N of a section.

    Example: cm point remove 2.3 1
    """
    with current_book().edit(f"point remove {ref} {number}") as change:
        located, text = model.remove_point(change.outline, ref, number)
    say(f"removed point {number} of [bold]{located.number}[/bold]: {escape(text)}")


@app.command("move")
def move(
    ref: str = REF_ARGUMENT,
    number: int = POINT_NUMBER,
    to: int = typer.Option(..., "--to", metavar="M", help="Its new place, from 1."),
) -> None:
    """Move point N of a section to place M.

    Example: cm point move 1.2 3 --to 1
    """
    with current_book().edit(f"point move {ref} {number}") as change:
        located = model.move_point(change.outline, ref, number, to)
    say(f"moved point {number} of [bold]{located.number}[/bold] to {to}")
