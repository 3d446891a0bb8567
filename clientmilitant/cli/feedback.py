"""`cm feedback …`: readers' feedback on the sections of the plan, kept in feedback.yaml."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from clientmilitant.cli.common import JSON_OPTION, console, current_book, escape, print_json, say

if TYPE_CHECKING:
    pass

app = typer.Typer(
    help="Keep readers' feedback on the sections it concerns: add, list, mark done, import a post's comments.",
    no_args_is_help=True,
)

ID_ARGUMENT = typer.Argument(..., metavar="ID", help="The feedback's id, as `cm feedback list` shows it (f1, f2…).")


def _place(item: dict[str, Any]) -> str:
    if item["number"] is None:
        return f"[red](section {escape(item['section'])} removed: cm feedback move {item['id']} REF)[/red]"
    return f"[bold]{item['number']}[/bold] {escape(item['title'])}"


def _headline(item: dict[str, Any]) -> str:
    who = ", ".join(escape(x) for x in (item["author"] or "anonymous", item["date"]) if x)
    state = "[yellow]open[/yellow]" if item["state"] == "open" else "[green]done[/green]"
    spam = "  [red]spam[/red]" if item["spam"] else ""
    return f"[bold]{item['id']}[/bold]  {_place(item)}  {state}{spam}  [dim]{who}[/dim]"


@app.command("add")
def add(
    ref: str = typer.Argument(..., metavar="REF", help="The section it concerns: a number (2.1) or an id."),
    text: str = typer.Argument(..., help="What the reader said."),
    author: str = typer.Option("", "--author", metavar="NAME", help="The reader's name."),
    date: str | None = typer.Option(None, "--date", metavar="DATE", help="When (ISO 8601, default today)."),
    url: str = typer.Option("", "--url", metavar="URL", help="Where the reader said it (the comment's address)."),
) -> None:
    """Keep a reader's feedback on a section.

    Example: cm feedback add 2.2 "Et le frottement chez les libraires ?" --author Marie --date 2008-01-08
    """
    from clientmilitant.services.feedback import add_feedback

    item = add_feedback(current_book(), ref, text, author, date, url)
    say(f"added {_headline(item)}")


@app.command("list")
def list_(
    section: str | None = typer.Option(None, "--section", metavar="REF", help="Only this section and those under it."),
    open_only: bool = typer.Option(False, "--open", help="Only the feedback not dealt with yet."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List readers' feedback in the order of the plan, with each section's current number.

    Example: cm feedback list --open --section 2
    """
    from clientmilitant.services.feedback import SCHEMA_VERSION, list_feedback

    items = list_feedback(current_book(), section, open_only)
    if as_json:
        print_json({"version": SCHEMA_VERSION, "feedback": items})
        return
    if not items:
        say("no feedback" + (" open" if open_only else "") + (f" on section {escape(section)}" if section else ""))
        return
    from rich.padding import Padding
    from rich.text import Text

    out = console()
    for item in items:
        out.print(_headline(item))
        out.print(Padding(Text(item["text"]), (0, 0, 0, 4), expand=False))  # the reader's words as written, wrapped
        if item["url"]:
            out.print(Padding(Text(item["url"], style="dim"), (0, 0, 0, 4), expand=False))
        if item["note"]:
            out.print(Padding(Text(f"note: {item['note']}", style="cyan"), (0, 0, 0, 4), expand=False))
    opened = sum(1 for item in items if item["state"] == "open")
    out.print(f"[dim]{len(items)} item{'s' if len(items) > 1 else ''}, {opened} open[/dim]")


@app.command("done")
def done(
    item_id: str = ID_ARGUMENT,
    note: str | None = typer.Option(None, "--note", metavar="TEXT", help="What you did about it."),
) -> None:
    """Mark feedback as dealt with, with a note of what you did.

    Example: cm feedback done f1 --note "bibliographie ajoutée en fin de partie 2"
    """
    from clientmilitant.services.feedback import mark_done

    say(f"done: {_headline(mark_done(current_book(), item_id, note))}")


@app.command("move")
def move(
    item_id: str = ID_ARGUMENT,
    ref: str = typer.Argument(..., metavar="REF", help="The section it concerns after all."),
) -> None:
    """Put feedback on another section.

    Example: cm feedback move f2 3.4
    """
    from clientmilitant.services.feedback import move_feedback

    say(f"moved: {_headline(move_feedback(current_book(), item_id, ref))}")


@app.command("remove")
def remove(item_id: str = ID_ARGUMENT) -> None:
    """Delete feedback for good (`cm feedback done` keeps it, marked as dealt with).

    Example: cm feedback remove f3
    """
    from clientmilitant.services.feedback import remove_feedback

    say(f"removed: {_headline(remove_feedback(current_book(), item_id))}")


@app.command("import")
def import_(
    source_id: str = typer.Argument(..., metavar="SOURCE_ID", help="An archived post (see `cm source import`)."),
    section: str | None = typer.Option(
        None, "--section", metavar="REF", help="The section the comments concern (default: the one citing the post)."
    ),
    include_spam: bool = typer.Option(False, "--all", help="Also import the comments that look like spam (flagged)."),
) -> None:
    """Turn the comments kept with an archived post into feedback; spam is left out unless --all.

    Spam score: commercial name, links, sales pitch, years late, no word shared with the book.

    Example: cm feedback import le-client-militant-le-plan --section 2
    """
    from clientmilitant.services.feedback.comments import import_comments

    report = import_comments(current_book(), source_id, section, include_spam)
    target = report.section
    say(f"comments of {escape(report.source_id)} → [bold]{target['number']}[/bold] {escape(target['title'])}")
    verbs = {"added": "added as", "spam": "left out, spam", "duplicate": "already imported as"}
    for result in report.comments:
        who = escape(", ".join(x for x in (result.author or "anonymous", result.date) if x))
        label = verbs[result.action] + (f" {result.feedback_id}" if result.feedback_id else "")
        if result.action == "added" and result.score.is_spam:
            label += " [red](flagged spam)[/red]"
        say(f"  {who}: {label}  [dim]spam score {result.score.points}[/dim]")
        for reason in result.score.reasons:
            say(f"    [dim]{escape(reason)}[/dim]")
    added = sum(1 for r in report.comments if r.action == "added")
    left_out = sum(1 for r in report.comments if r.action == "spam")
    summary = f"{added} added"
    if left_out:
        summary += f", {left_out} left out as spam (--all imports them, flagged)"
    say(summary)
