"""`cm source …`: the library of source posts — add, import, list, show, link, unlink, remove, suggest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from clientmilitant.cli.common import JSON_OPTION, console, current_book, escape, print_json, say, warn

app = typer.Typer(
    help="The blog posts the book is made from: import, archive, link them to sections, find the ones that fit.",
    no_args_is_help=True,
)

SOURCE_ID = typer.Argument(..., metavar="ID", help="The source's id, as `cm source list` shows it.")
REFS = typer.Argument(..., metavar="REF...", help="Sections: numbers like 2.1 or ids.")


def _sections_label(sections: list[dict[str, str]]) -> str:
    return ", ".join(s["number"] for s in sections)


@app.command("list")
def list_(
    section: str | None = typer.Option(
        None, "--section", metavar="REF", help="Only the sources linked to this section."
    ),
    unlinked: bool = typer.Option(False, "--unlinked", help="Only the sources linked to no section."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List the registered sources: id, date, title, author, linked sections, archived or not.

    Example: cm source list --unlinked
    """
    from clientmilitant.services.sources.library import list_sources

    data = list_sources(current_book(), section, unlinked)
    if as_json:
        print_json(data)
        return
    if not data["sources"]:
        say("no sources" + (" here" if section or unlinked else " yet — cm source import FILE or cm source add URL"))
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("id", "date", "title", "author", "sections", "archived"):
        table.add_column(column, no_wrap=column in ("id", "date"), overflow="fold")
    for row in data["sources"]:
        table.add_row(
            row["id"],
            row["date"],
            escape(row["title"] or row["url"]),
            escape(row["author"]),
            _sections_label(row["sections"]),
            "yes" if row["archived"] else "[dim]no[/dim]",
        )
    console().print(table)


@app.command("show")
def show(
    source_id: str = SOURCE_ID,
    as_json: bool = JSON_OPTION,
) -> None:
    """Show a source's metadata, the sections that cite it, its archived text and its comments.

    On a terminal the text is rendered as Markdown; piped, it is printed as it is stored.

    Example: cm source show le-modle-radio
    """
    from clientmilitant.services.sources.library import show_source

    data = show_source(current_book(), source_id)
    if as_json:
        print_json(data)
        return
    out = console()
    out.print(f"[bold]{escape(data['title'] or data['id'])}[/bold]  [dim]{data['id']}[/dim]")
    for key in ("url", "author", "date", "site", "file"):
        if data[key]:
            out.print(f"[dim]{key}:[/dim] {escape(data[key])}")
    sections = data["sections"]
    out.print("[dim]sections:[/dim] " + (escape(", ".join(f"{s['number']} {s['title']}" for s in sections)) or "none"))
    if data["text"] is None:
        out.print("[dim]not archived: cm source import a file holding the post, or cm source add --file[/dim]")
        return
    out.print()
    _markdown(out, data["text"])
    if data["comments"]:
        out.print()
        out.print(f"[bold]{len(data['comments'])} comment{'s' if len(data['comments']) > 1 else ''}[/bold]")
        for comment in data["comments"]:
            out.print()
            out.print(f"[bold]{escape(comment['author'] or '(anonymous)')}[/bold]  [dim]{comment['date']}[/dim]")
            _markdown(out, comment["text"])


def _markdown(out: Any, text: str) -> None:
    if out.is_terminal:
        from rich.markdown import Markdown

        out.print(Markdown(text))
    else:
        out.print(text, markup=False, highlight=False)


@app.command("add")
def add(
    url: str | None = typer.Argument(None, metavar="[URL]", help="The post's address."),
    file: Path | None = typer.Option(
        None, "--file", "-f", metavar="FILE", help="The post's text to archive (Markdown, text or HTML)."
    ),
    title: str = typer.Option("", "--title", help="The post's title."),
    author: str = typer.Option("", "--author", help="Who wrote it."),
    date: str = typer.Option("", "--date", help="When: 2007-12-13, '13 décembre 2007', 'Dec 13, 2007'…"),
    site: str = typer.Option("", "--site", help="The blog (default: the URL's host)."),
    links: list[str] | None = typer.Option(None, "--link", metavar="REF", help="Link it to this section (repeatable)."),
    source_id: str | None = typer.Option(None, "--id", help="Its id (default: made from the title or the URL)."),
) -> None:
    """Register a source post; with --file its text is archived in sources/<id>.md.

    Example: cm source add http://jbp.typepad.com/jb/2007/09/tre-et-paratre.html --title "Être et paraître" --link 3.7
    """
    from clientmilitant.services.sources.library import add_source

    source, archived, linked = add_source(current_book(), url or "", file, title, author, date, site, links, source_id)
    detail = "archived" if archived else "not archived"
    say(f"added [bold]{source.id}[/bold] {escape(source.title or source.url)} ({detail})")
    for located in linked:
        say(f"  linked to [bold]{located.number}[/bold] {escape(located.section.title)}")


@app.command("link")
def link(source_id: str = SOURCE_ID, refs: list[str] = REFS) -> None:
    """Link a source to one or more sections.

    Example: cm source link le-modle-radio 3.5 3.6
    """
    from clientmilitant.services.sources.library import link_sections

    for located, new in link_sections(current_book(), source_id, refs):
        verb = "linked to" if new else "already linked to"
        say(f"{source_id} {verb} [bold]{located.number}[/bold] {escape(located.section.title)}")


@app.command("unlink")
def unlink(source_id: str = SOURCE_ID, refs: list[str] = REFS) -> None:
    """Take a source off one or more sections (it stays in the library).

    Example: cm source unlink le-modle-radio 3.6
    """
    from clientmilitant.services.sources.library import unlink_sections

    for located in unlink_sections(current_book(), source_id, refs):
        say(f"{source_id} unlinked from [bold]{located.number}[/bold] {escape(located.section.title)}")


@app.command("remove")
def remove(
    source_id: str = SOURCE_ID,
    force: bool = typer.Option(False, "--force", help="Remove it even though sections link it (they are unlinked)."),
) -> None:
    """Remove a source from the library; refused while sections link it, unless --force.

    Its archive is set aside in removed/sources/, never deleted; `cm undo` brings everything back.

    Example: cm source remove meilleurs-voeux-2008
    """
    from clientmilitant.services.sources.library import remove_source

    source, unlinked, move = remove_source(current_book(), source_id, force)
    say(f"removed [bold]{source.id}[/bold] {escape(source.title or source.url)}")
    for located in unlinked:
        say(f"  unlinked from {located.number} {escape(located.section.title)}")
    if move is not None:
        say(f"  its archive is set aside in [bold]{move.target}[/bold]")
    say("[dim]`cm undo` puts it back[/dim]")


@app.command("import")
def import_(
    files: list[Path] = typer.Argument(..., metavar="FILE...", help="Feeds, exports or text copied from blog pages."),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="Print what would be imported; change nothing."),
    title: str | None = typer.Option(
        None, "--title", help="Title of a post that has none in the file (text copied without its title)."
    ),
    date: str | None = typer.Option(None, "--date", help="Date of that post."),
    author: str | None = typer.Option(None, "--author", help="Author of the posts whose file names none."),
    site: str | None = typer.Option(None, "--site", help="Blog of the posts whose file names none."),
    drafts: bool = typer.Option(
        False, "--drafts", help="Also drafts, pending, private and scheduled posts, marked with their status."
    ),
    pages: bool = typer.Option(False, "--pages", help="Also the blog's pages (WordPress, Blogger)."),
    lenient: bool = typer.Option(
        False,
        "--lenient",
        help="Import what can be read of an ill-formed feed (with a warning) instead of refusing it.",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Import posts: RSS/Atom feeds, Blogger and WordPress exports, Movable Type/Typepad exports, text dumps.

    Posts already in the library are recognised (by URL, title and date, or a Typepad/Blogger URL's
    month and slug): importing twice adds nothing, and a post cited by the plan becomes archived.
    Drafts, pages and other items are skipped and counted; a post that cannot be read is skipped
    and named, the others are imported.

    Example: cm source import blog-2007-12.txt --dry-run
    """
    from clientmilitant.cli.progress import import_progress
    from clientmilitant.services.sources.importer import Defaults, import_files

    defaults = Defaults(title, date, author, site, drafts, pages, lenient)
    with import_progress(shown=not as_json) as progress:
        report = import_files(current_book(), files, dry_run, defaults, progress)
    for warning in report.warnings:
        warn(warning)
    for skipped in report.skipped:
        if skipped.reason == "bad post":
            warn(f"{skipped.where}: skipped: {skipped.detail}")
    if as_json:
        print_json(_import_data(report))
    else:
        _import_table(report)


def _import_data(report: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {
        "dry_run": report.dry_run,
        "files": [{"file": name, "format": kind, "posts": count} for name, kind, count in report.files],
        "summary": report.summary(),
        "posts": [asdict(row) for row in report.rows],
        "skipped": [asdict(skipped) for skipped in report.skipped],
        "warnings": report.warnings,
    }


ACTION_STYLES = {"new": "green", "merged": "cyan", "comments": "yellow", "unchanged": "dim"}
# A whole blog's 1,000 rows are no reading, and drawing them took rich 0.56 s: the first rows, then a count.
IMPORT_ROWS_SHOWN = 50


def _import_table(report: Any) -> None:
    from collections import Counter

    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("", "id", "date", "title", "comments"):
        table.add_column(
            column, no_wrap=column in ("", "date"), overflow="fold", min_width=24 if column == "title" else None
        )
    for row in report.rows[:IMPORT_ROWS_SHOWN]:
        style = ACTION_STYLES[row.action]
        action = row.action + (f" ({row.matched_by})" if row.matched_by and row.action == "merged" else "")
        comments = str(row.comments) + (
            f" (+{row.added_comments})" if row.added_comments and row.action != "new" else ""
        )
        title = escape(row.title) + (f" [dim]({row.status})[/dim]" if row.status else "")
        table.add_row(f"[{style}]{action}[/{style}]", row.source_id, row.date, title, comments)
    out = console()
    out.print(table)
    if len(report.rows) > IMPORT_ROWS_SHOWN:
        out.print(f"… and {len(report.rows) - IMPORT_ROWS_SHOWN} more posts (--json lists every one)", soft_wrap=True)
    for name, kind, count in report.files:
        out.print(f"{escape(name)}: {kind}, {count} post{'s' if count != 1 else ''}", soft_wrap=True)
    counts = Counter(row.action for row in report.rows)
    summary = ", ".join(f"{counts[a]} {a}" for a in ("new", "merged", "comments", "unchanged") if counts[a])
    skipped = report.summary()["skipped"]
    if skipped:
        summary += "; skipped: " + ", ".join(f"{count} {reason}" for reason, count in skipped.items())
    if report.dry_run:
        out.print(f"dry run: {summary}; nothing was changed", soft_wrap=True)
    elif report.changed:
        out.print(f"imported: {summary}", soft_wrap=True)
    else:
        out.print(f"nothing new: {summary}", soft_wrap=True)


@app.command("suggest")
def suggest(
    ref: str = typer.Argument(..., metavar="REF", help="The section: a number like 3.6 or an id."),
    limit: int = typer.Option(5, "--limit", "-l", min=1, metavar="N", help="Show at most N sources."),
    link_best: bool = typer.Option(False, "--link", help="Link the best-ranked source to the section."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Rank the sources not linked to a section by how well they fit it (BM25 over French stems).

    The section's title, points and chapter text are compared with each source's title and text;
    the words that matched are shown, weightiest first.

    Example: cm source suggest 3.6 --limit 3
    """
    from clientmilitant.services.sources.suggest import suggest_sources

    report = suggest_sources(current_book(), ref, limit, link_best)
    located, suggestions = report.located, report.suggestions
    if as_json:
        print_json(report.data())
        return
    if not suggestions:
        say(f"no unlinked source shares a word with [bold]{located.number}[/bold] {escape(located.section.title)}")
    else:
        from rich.table import Table

        say(f"sources for [bold]{located.number}[/bold] {escape(located.section.title)}")
        table = Table(box=None, header_style="bold")
        for column in ("score", "id", "title", "matched words"):
            table.add_column(column, justify="right" if column == "score" else "left", no_wrap=column == "id")
        for s in suggestions:
            table.add_row(
                f"{s.score:.2f}", s.source.id, escape(s.source.title or s.source.url), escape(", ".join(s.matched[:8]))
            )
        console().print(table)
    if report.linked:
        say(f"linked [bold]{report.linked}[/bold] to {located.number}")
