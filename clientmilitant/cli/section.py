"""`cm section …`: add, move, rename, set and remove sections. A REF is a number (`2.1`) or an id."""

from __future__ import annotations

from typing import Optional

import typer

from clientmilitant.cli.common import REF_ARGUMENT, current_book, escape, say
from clientmilitant.core import model

app = typer.Typer(help="Add, move, rename, set or remove sections (a REF is a number like 2.1, or an id).", no_args_is_help=True)

UNDER = typer.Option(None, "--under", metavar="REF", help="Put it inside this section (default: a new part).")
BEFORE = typer.Option(None, "--before", metavar="REF", help="Put it just before this section.")
AFTER = typer.Option(None, "--after", metavar="REF", help="Put it just after this section.")
POSITION = typer.Option(None, "--position", min=1, metavar="N", help="Its place among its siblings, from 1.")


def _done(verb: str, located: model.Located) -> None:
    say(f"{verb} [bold]{located.number}[/bold] {escape(located.section.title)}  [dim]{located.section.id}[/dim]")


@app.command("add")
def add(
    title: str = typer.Argument(..., help="The section's title."),
    under: Optional[str] = UNDER,
    before: Optional[str] = BEFORE,
    after: Optional[str] = AFTER,
    position: Optional[int] = POSITION,
    section_id: Optional[str] = typer.Option(None, "--id", help="Its id (default: made from the title)."),
) -> None:
    """Add a section and print its number and id.

    Example: cm section add "Le boycott, arme du client" --under 3 --position 2
    """
    with current_book().edit(f"section add {title!r}") as change:
        located = model.add_section(
            change.outline, title, section_id=section_id, under=under, before=before, after=after, position=position
        )
    _done("added", located)


@app.command("move")
def move(
    ref: str = typer.Argument(..., metavar="REF", help="The section to move (with its sub-sections)."),
    under: Optional[str] = UNDER,
    before: Optional[str] = BEFORE,
    after: Optional[str] = AFTER,
    position: Optional[int] = POSITION,
    up: bool = typer.Option(False, "--up", help="Swap it with the sibling before it."),
    down: bool = typer.Option(False, "--down", help="Swap it with the sibling after it."),
    top: bool = typer.Option(False, "--top", help="Make it a part (top level); --position says where."),
) -> None:
    """Move a section; its id, chapter file and sub-sections go with it.

    Example: cm section move 2.3 --before 2.1
    """
    with current_book().edit(f"section move {ref}") as change:
        located = model.move_section(
            change.outline, ref, under=under, before=before, after=after, position=position, up=up, down=down, top=top
        )
    _done("moved to", located)


@app.command("rename")
def rename(
    ref: str = REF_ARGUMENT,
    title: str = typer.Argument(..., help="The new title; the id stays."),
) -> None:
    """Give a section a new title (its id and chapter file stay the same).

    Example: cm section rename 1 "Le client est un consommateur"
    """
    with current_book().edit(f"section rename {ref}") as change:
        located = model.rename_section(change.outline, ref, title)
    _done("renamed", located)


@app.command("set")
def set_(
    ref: str = REF_ARGUMENT,
    status: Optional[str] = typer.Option(None, "--status", help=f"One of {', '.join(model.STATUSES)}."),
    target: Optional[int] = typer.Option(None, "--target", min=0, help="Target length in words (0 clears it)."),
    notes: Optional[str] = typer.Option(None, "--notes", help="Your remarks on the section ('' clears them)."),
) -> None:
    """Set a section's status, target length or notes.

    Example: cm section set 2.1 --status draft --target 3000
    """
    if status is None and target is None and notes is None:
        raise typer.BadParameter("give --status, --target or --notes")
    with current_book().edit(f"section set {ref}") as change:
        located = model.set_section(change.outline, ref, status=status, target=target, notes=notes)
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
