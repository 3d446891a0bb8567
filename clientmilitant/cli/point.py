"""`cm point …`: the points (bullets) of a section, numbered from 1 as `cm outline show` lists them."""

from __future__ import annotations

import typer

from clientmilitant.cli.common import REF_ARGUMENT, current_book, escape, options_named, say
from clientmilitant.core import model
from clientmilitant.services.outline import change_outline

app = typer.Typer(help="Add, remove or reorder the points of a section.", no_args_is_help=True)
POINT_NUMBER = typer.Argument(..., metavar="N", help="The point's number, from 1, as `cm outline show` lists them.")


@app.command("add")
def add(
    ref: str = REF_ARGUMENT,
    text: str = typer.Argument(..., help="The point, as you would write it in the plan."),
    position: int | None = typer.Option(None, "--position", min=1, metavar="N", help="Its place, from 1."),
) -> None:
    """Add a point to a section.

    Example: cm point add 2.3 "le client devient juge"
    """
    with options_named(position="--position"):
        located, number = change_outline(
            current_book(), f"point add {ref}", lambda o: model.add_point(o, ref, text, position)
        )
    say(f"added point {number} to [bold]{located.number}[/bold] {escape(located.section.title)}")


@app.command("remove")
def remove(ref: str = REF_ARGUMENT, number: int = POINT_NUMBER) -> None:
    """Remove point N of a section.

    Example: cm point remove 2.3 1
    """
    located, text = change_outline(
        current_book(), f"point remove {ref} {number}", lambda o: model.remove_point(o, ref, number)
    )
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
    with options_named(**{"the new place": "--to"}):
        located = change_outline(
            current_book(), f"point move {ref} {number}", lambda o: model.move_point(o, ref, number, to)
        )
    say(f"moved point {number} of [bold]{located.number}[/bold] to {to}")
