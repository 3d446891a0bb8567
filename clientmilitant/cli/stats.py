"""`cm stats`: words written against the targets, for every section, part and the whole book."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from clientmilitant.cli.common import JSON_OPTION, console, current_book, escape, print_json

BAR_WIDTH = 12


HISTORY_OPTION = typer.Option(False, "--history", help="Words written per day and week, from git; pace and streak.")
SVG_OPTION = typer.Option(None, "--svg", metavar="PATH", help="With --history: write the chart as SVG.")
HTML_OPTION = typer.Option(None, "--html", metavar="PATH", help="With --history: write the chart as an HTML page.")


def stats(
    as_json: bool = JSON_OPTION,
    history: bool = HISTORY_OPTION,
    svg: Path | None = SVG_OPTION,
    html: Path | None = HTML_OPTION,
) -> None:
    """Show words written, target, progress and status of every section, with subtotals per part
    and for the book, an estimate of pages and how many sections are at each status.

    A part counts the words of all its sub-sections; without a target of its own, its target is
    the sum of theirs.

    --history reads the git history of chapters/ (one git log): words per day and week, the
    streak of writing days, the pace over the last four weeks and the date the targets will be
    reached at that pace; --svg/--html write the chart as a picture.

    Example: cm stats --json | jq '.book.percent'
    """
    if history or svg or html:
        from clientmilitant.cli.stats_history import show_history

        show_history(as_json, svg, html)
        return
    from clientmilitant.services.stats import book_stats

    book = current_book()
    data = book_stats(book, book.load())
    if as_json:
        print_json(data)
        return
    stats_table(data)
    from clientmilitant.cli.render import print_open_by_part  # readers' feedback (cm feedback)

    print_open_by_part(book)


def progress_bar(value: int | None) -> str:
    """A bar of BAR_WIDTH cells and the percentage, drawn with text so it reads without colour."""
    if value is None:
        return ""
    filled = min(BAR_WIDTH, round(BAR_WIDTH * value / 100))
    style = "green" if value >= 100 else "yellow" if value >= 50 else "red"
    if value > 150:
        style = "magenta"
    bar = "█" * filled + "░" * (BAR_WIDTH - filled)
    return f"[{style}]{bar}[/{style}] {value:>3}%"


def number(value: int | None) -> str:
    return f"{value:,}" if value else ""


def stats_table(data: dict[str, Any]) -> None:
    from rich import box
    from rich.table import Table

    from clientmilitant.cli.render import STATUS_STYLES

    table = Table(box=box.SIMPLE_HEAD, show_footer=True, pad_edge=False, show_edge=False)
    table.add_column("№", footer="", no_wrap=True)
    table.add_column("Section", footer=f"[bold]{escape(data['book']['title'] or 'The book')}[/bold]")
    table.add_column("Status")
    table.add_column("Words", justify="right", footer=f"[bold]{number(data['book']['words']) or '0'}[/bold]")
    table.add_column("Target", justify="right", footer=f"[bold]{number(data['book']['target'])}[/bold]")
    table.add_column("Progress", footer=progress_bar(data["book"]["percent"]), no_wrap=True)
    table.add_column("Pages", justify="right", footer=f"[bold]{data['book']['pages']:g}[/bold]")

    def add(node: dict[str, Any]) -> None:
        status = node["status"]
        style = "bold" if node["depth"] == 1 else ""
        indent = "  " * (node["depth"] - 1)
        title = f"{indent}{escape(node['title'])}"
        table.add_row(
            f"[{style}]{node['number']}[/{style}]" if style else node["number"],
            f"[{style}]{title}[/{style}]" if style else title,
            f"[{STATUS_STYLES[status]}]{status}[/{STATUS_STYLES[status]}]",
            number(node["total_words"]),
            number(node["total_target"]),
            progress_bar(node["percent"]),
            f"{node['pages']:g}" if node["total_words"] else "",
        )
        for child in node["sections"]:
            add(child)

    for index, part in enumerate(data["parts"]):
        if index:
            table.add_section()
        add(part)
    out = console()
    out.print(table)
    book = data["book"]
    estimate = f"≈ {book['pages']:g} pages written at {data['words_per_page']} words a page"
    if book["target_pages"]:
        estimate += f", {book['target_pages']:g} planned"
    counts = ", ".join(f"{count} {status}" for status, count in data["statuses"].items())
    out.print(estimate)
    if book["seeded_words"]:
        out.print(
            f"Of the {book['words']:,} words, {book['seeded_words']:,} are still the seeded posts' text"
            f" (cm chapter seed) and {book['written_words']:,} were written since"
        )
    out.print(f"Sections by status: {counts}")
