"""`cm chapter …`: open a section's text in your editor, or print its path for scripts."""

from __future__ import annotations

import typer

from clientmilitant.cli.common import JSON_OPTION, current_book, escape, print_json, say

app = typer.Typer(
    help="Write a section's text: open chapters/<id>.md in your editor, or print its path.", no_args_is_help=True
)


@app.command("edit")
def edit(ref: str = typer.Argument(..., metavar="REF", help="The section: its number (2.1) or its id.")) -> None:
    """Open the section's chapter in $VISUAL, else $EDITOR, else nano or vi.

    A missing chapter is first created with the section's plan (points, sources) in an HTML
    comment that the export leaves out; a section still at `idea` moves to `draft`.

    Example: cm chapter edit 2.1
    """
    from clientmilitant.cli.common import display_path
    from clientmilitant.services.chapters import Chapter, edit_chapter

    def created(chapter: Chapter) -> None:
        located = chapter.located
        note = " (status idea → draft)" if chapter.drafted else ""
        path, title = escape(display_path(chapter.path)), escape(located.section.title)
        say(f"created [bold]{path}[/bold] for {located.number} {title}{note}")

    chapter, words = edit_chapter(current_book(), chapter_ref(ref), created)
    located = chapter.located
    target = f" of {located.section.target:,}" if located.section.target else ""
    say(f"{located.number} {escape(located.section.title)}: {words:,}{target} words")


@app.command("path")
def path(
    ref: str = typer.Argument(..., metavar="REF", help="The section: its number (2.1) or its id."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Print the path of the section's chapter file (it may not exist yet), for scripts:
    `$EDITOR $(cm chapter path 2.1)`.

    Example: cm chapter path 2.1
    """
    from clientmilitant.cli.common import display_path
    from clientmilitant.services.chapters import chapter_path

    book = current_book()
    located, chapter = chapter_path(book, book.load(), chapter_ref(ref))
    if as_json:
        print_json(
            {
                "number": located.number,
                "id": located.section.id,
                "path": str(chapter.relative_to(book.root)),
                "exists": chapter.exists(),
            }
        )
        return
    print(display_path(chapter))


def chapter_ref(ref: str) -> str:
    """Also accept the chapter's file name (`chapters/web20.md`), as shell completion would give it."""
    name = ref.rsplit("/", 1)[-1]
    return name[:-3] if name.endswith(".md") else ref


@app.command("seed")
def seed(
    ref: str = typer.Argument(..., metavar="REF", help="The section: its number (2.1) or its id."),
    sources: list[str] | None = typer.Option(
        None, "--source", "-s", metavar="ID", help="Seed only this linked post (repeatable; in the order given)."
    ),
    by_date: bool = typer.Option(False, "--by-date", help="Seed the posts named by --source in date order."),
    comments: bool = typer.Option(False, "--comments", help="Add the posts' readers' comments, as quotations."),
    quote: bool = typer.Option(
        False, "--quote", help="Seed posts by other authors, as block quotes with their attribution."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="Print what would be added; change nothing."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Start a chapter from its source posts: append the archived text of the posts linked to the
    section (all, oldest first, or --source ID…), each between comments naming the post.

    Text already in the chapter stays first; a post already seeded is never seeded again; a
    section at `idea` moves to `draft`; `cm undo` takes it back. A post by another author is
    refused unless --quote. `cm stats` counts seeded words apart.

    Example: cm chapter seed 2.2 --source labsence-de-fro --comments
    """
    from clientmilitant.services.seed import seed as seed_chapter

    result = seed_chapter(
        current_book(),
        chapter_ref(ref),
        source_ids=sources or None,
        by_date=by_date,
        comments=comments,
        quote=quote,
        dry_run=dry_run,
    )
    if as_json:
        print_json(result.data())
        return
    if dry_run and result.text:
        print(result.text, end="")
    for post in result.seeded:
        how = "quoted" if post["quote"] else "seeded"
        verb = f"would be {how}" if dry_run else how
        extra = f", {post['comments']} comments" if post["comments"] else ""
        say(f"{verb}: {escape(post['id'])} ({post['words']:,} words{extra}) → {escape(result.path)}")
    for skipped in result.skipped:
        say(f"[dim]skipped: {escape(skipped['id'])} ({skipped['reason']})[/dim]")
    if not result.seeded:
        say("nothing new to seed")
    elif result.drafted:
        say(f"{result.number} {'would move' if dry_run else 'moved'} from idea to draft")
