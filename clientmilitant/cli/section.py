"""`cm section …`: add, move, rename, set and remove sections. A REF is a number (`2.1`) or an id."""

from __future__ import annotations

import typer

from clientmilitant.cli.common import REF_ARGUMENT, current_book, escape, options_named, say
from clientmilitant.core import model
from clientmilitant.core.errors import CmError
from clientmilitant.services.outline import change_outline

app = typer.Typer(
    help="Add, move, rename, set or remove sections (a REF is a number like 2.1, or an id).", no_args_is_help=True
)

UNDER = typer.Option(None, "--under", metavar="REF", help="Put it inside this section (default: a new part).")
BEFORE = typer.Option(None, "--before", metavar="REF", help="Put it just before this section.")
AFTER = typer.Option(None, "--after", metavar="REF", help="Put it just after this section.")
POSITION = typer.Option(None, "--position", min=1, metavar="N", help="Its place among its siblings, from 1.")


def _done(verb: str, located: model.Located) -> None:
    say(f"{verb} [bold]{located.number}[/bold] {escape(located.section.title)}  [dim]{located.section.id}[/dim]")


def _place(under: str | None, before: str | None, after: str | None, position: int | None) -> model.Place:
    """The place --under/--before/--after/--position name, for `section add`."""
    if before is not None and after is not None:
        raise CmError("--before and --after cannot be used together")
    if (before is not None or after is not None) and (under is not None or position is not None):
        raise CmError("--before/--after place a section by a sibling: drop --under and --position")
    if before is not None:
        return model.Before(before)
    if after is not None:
        return model.After(after)
    return model.Top(position) if under is None else model.Under(under, position)


def _where(
    under: str | None, before: str | None, after: str | None, position: int | None, up: bool, down: bool, top: bool
) -> model.Where:
    """The place the options of `section move` name: exactly one of them."""
    if sum(x is not None for x in (under, before, after)) + up + down + top != 1:
        raise CmError("say where to move it: one of --under, --before, --after, --up, --down or --top")
    if up or down:
        if position is not None:
            raise CmError("--position goes with --under or --top, not --up/--down")
        return model.Up() if up else model.Down()
    return _place(under, before, after, position)


@app.command("add")
def add(
    title: str = typer.Argument(..., help="The section's title."),
    under: str | None = UNDER,
    before: str | None = BEFORE,
    after: str | None = AFTER,
    position: int | None = POSITION,
    section_id: str | None = typer.Option(None, "--id", help="Its id (default: made from the title)."),
) -> None:
    """Add a section and print its number and id.

    Example: cm section add "Le boycott, arme du client" --under 3 --position 2
    """
    where = _place(under, before, after, position)
    with options_named(position="--position"):
        located = change_outline(
            current_book(),
            f"section add {title!r}",
            lambda o: model.add_section(o, title, where, section_id=section_id),
        )
    _done("added", located)


@app.command("move")
def move(
    ref: str = typer.Argument(..., metavar="REF", help="The section to move (with its sub-sections)."),
    under: str | None = UNDER,
    before: str | None = BEFORE,
    after: str | None = AFTER,
    position: int | None = POSITION,
    up: bool = typer.Option(False, "--up", help="Swap it with the sibling before it."),
    down: bool = typer.Option(False, "--down", help="Swap it with the sibling after it."),
    top: bool = typer.Option(False, "--top", help="Make it a part (top level); --position says where."),
) -> None:
    """Move a section; its id, chapter file and sub-sections go with it.

    Example: cm section move 2.3 --before 2.1
    """
    where = _where(under, before, after, position, up, down, top)
    with options_named(position="--position"):
        located = change_outline(current_book(), f"section move {ref}", lambda o: model.move_section(o, ref, where))
    _done("moved to", located)


@app.command("rename")
def rename(
    ref: str = REF_ARGUMENT,
    title: str = typer.Argument(..., help="The new title; the id stays."),
) -> None:
    """Give a section a new title (its id and chapter file stay the same).

    Example: cm section rename 1 "Le client est un consommateur"
    """
    located = change_outline(current_book(), f"section rename {ref}", lambda o: model.rename_section(o, ref, title))
    _done("renamed", located)


@app.command("set")
def set_(
    ref: str = REF_ARGUMENT,
    status: str | None = typer.Option(None, "--status", help=f"One of {', '.join(model.STATUSES)}."),
    target: int | None = typer.Option(None, "--target", min=0, help="Target length in words (0 clears it)."),
    notes: str | None = typer.Option(None, "--notes", help="Your remarks on the section ('' clears them)."),
) -> None:
    """Set a section's status, target length or notes.

    Example: cm section set 2.1 --status draft --target 3000
    """
    if status is None and target is None and notes is None:
        raise typer.BadParameter("give --status, --target or --notes")
    located = change_outline(
        current_book(),
        f"section set {ref}",
        lambda o: model.set_section(o, ref, status=status, target=target, notes=notes),
    )
    section = located.section
    details = [section.effective_status]
    if section.target:
        details.append(f"target {section.target:,} words")
    _done(f"set ({', '.join(details)})", located)


@app.command("remove")
def remove(
    ref: str = REF_ARGUMENT,
    force: bool = typer.Option(False, "--force", help="Also remove sub-sections and sections with text."),
) -> None:
    """Remove a section. Chapter text is never deleted: it is set aside in removed/.

    Example: cm section remove 3.3 --force
    """
    from clientmilitant.services.outline import remove_section

    removal = remove_section(current_book(), ref, force)
    extra = len(removal.removed_ids) - 1
    _done("removed" + (f" (with {extra} sub-section{'s' if extra > 1 else ''})" if extra else ""), removal.located)
    for move in removal.set_aside:
        say(f"  its text {move.source} is set aside in [bold]{move.target}[/bold]")
    say("[dim]`cm undo` puts it back[/dim]")
