"""`cm outline …`: show the plan, import it from a plan text, export it as a blog post."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from clientmilitant.cli.common import JSON_OPTION, book_if_any, current_book, escape, print_json, say

app = typer.Typer(help="Show the plan of the book, or import it from a plan text.", no_args_is_help=True)


@app.command("show")
def show(
    depth: int | None = typer.Option(None, "--depth", "-d", min=1, help="Show only this many levels (1 = parts)."),
    points: bool = typer.Option(True, "--points/--no-points", help="Show each section's points."),
    sources: bool = typer.Option(False, "--sources", "-s", help="List the linked source posts under each section."),
    feedback: bool = typer.Option(False, "--feedback", help="Mark the sections with open readers' feedback (count)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show the plan as a tree: number, title, id, status, words written, sources.

    Example: cm outline show --depth 2 --no-points
    """
    from clientmilitant.services.outline import outline_data

    book = current_book()
    data = outline_data(book, book.load(), depth)
    if feedback:
        from clientmilitant.services.feedback import mark_open_feedback

        mark_open_feedback(book, data["parts"])
    if as_json:
        print_json(data)
        return
    from clientmilitant.cli.render import outline_tree

    outline_tree(data, show_points=points, show_sources=sources)


@app.command("import")
def import_(
    plan: Path = typer.Argument(..., metavar="PLAN.txt", help="A plan written as in the blog post."),
    force: bool = typer.Option(False, "--force", help="Replace the parts and sources of an existing outline."),
    title: str | None = typer.Option(None, "--title", help="The book's title (default: kept, or the file's name)."),
) -> None:
    """Build the outline from a plan text: `1 -` parts, `1.1 -` sections, `->` and `- ` points, URLs.

    Without a book here, a new one is created in the current folder.

    Example: cm outline import plan.txt --title "Le client militant"
    """
    from clientmilitant.core.model import subtree
    from clientmilitant.services.outline import import_plan

    existing = book_if_any()
    result = import_plan(plan, Path.cwd(), existing, force, title)
    counted = sum(1 for part in result.plan.parts for _ in subtree(part))
    verb = "created" if result.created else "replaced the plan in"
    say(
        f"{verb} {escape(result.book.display_name)}: {len(result.plan.parts)} parts, "
        f"{counted - len(result.plan.parts)} sections, "
        f"{len(result.plan.sources)} sources"
        + (f" ({result.plan.skipped_lines} lines before the first part skipped)" if result.plan.skipped_lines else "")
    )


class PlanFormat(StrEnum):
    markdown = "markdown"
    html = "html"


@app.command("export")
def export(
    fmt: PlanFormat = typer.Option(
        PlanFormat.markdown,
        "--format",
        "-f",
        help="markdown: the post's `1.1 -` and `->` lines; html: a fragment to paste.",
    ),
    depth: int | None = typer.Option(None, "--depth", "-d", min=1, help="Publish only this many levels (1 = parts)."),
    points: bool = typer.Option(True, "--points/--no-points", help="Publish each section's points."),
    intro: Path | None = typer.Option(
        None, "--intro", metavar="FILE", help="A Markdown text to put above the plan (the post's introduction)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="PATH", help="Write to this file instead of stdout."
    ),
) -> None:
    """Publish the plan as a blog post, for readers to comment on: numbered parts and sections,
    `->` points (Markdown) or nested lists (an HTML fragment), cited posts as links.

    Example: cm outline export --format html --intro intro.md -o plan.html
    """
    from clientmilitant.cli.common import display_path
    from clientmilitant.services.plan_export import BadOutput, publish_plan

    try:
        text = publish_plan(current_book(), fmt.value, depth, points, intro, output)
    except BadOutput as error:
        raise typer.BadParameter(str(error), param_hint="'-o'") from None
    if output is None:
        sys.stdout.write(text or "")
        return
    say(f"wrote the plan ({fmt.value}) to [bold]{escape(display_path(output))}[/bold]")
