"""`cm stats --history`: the rendering of the writing history (a part of the stats command, not a noun)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clientmilitant.cli.common import console, current_book, escape, print_json, say

BAR = 40
WEEKS_SHOWN = 16


def show_history(as_json: bool, svg: Path | None, html: Path | None) -> None:
    from clientmilitant.services.history import writing_history

    book = current_book()
    data = writing_history(book)
    if svg or html:
        from clientmilitant.cli.common import display_path
        from clientmilitant.services.history_chart import write_picture

        title = f"{book.load().book.title or 'The book'}: words written"
        for path, kind in ((svg, "svg"), (html, "html")):
            if path:
                write_picture(path, data, title, kind)
                if not as_json:
                    say(f"wrote {escape(display_path(path))}")
    if as_json:
        print_json(data)
    elif not (svg or html):
        history_chart(data)


def history_chart(data: dict[str, Any]) -> None:
    """A bar per week (the last WEEKS_SHOWN), then streak, pace and projections."""
    out = console()
    weeks = data["weeks"][-WEEKS_SHOWN:]
    top = max([w["net"] for w in weeks] + [1])
    out.print("[bold]Words written per week[/bold]")
    for week in weeks:
        net = week["net"]
        cells = round(BAR * max(0, net) / top)
        bar = "█" * cells if cells or net <= 0 else "▏"
        out.print(f"{week['week']}  [cyan]{bar}[/cyan]{' ' * (BAR - len(bar))} {net:>+7,}  {week['words']:>8,}")
    days = data["days"][-7:]
    if days:
        last = ", ".join(f"{d['date'][5:]} {d['net']:+,}" for d in days)
        out.print(f"Last writing days: {last}")
    pace, streak, book = data["pace"], data["streak"], data["book"]
    out.print(
        f"{book['words']:,} words written in {data['commits']:,} commits; streak: {plural(streak['current'], 'day')} "
        f"(longest {streak['longest']}); pace: {pace['words_per_day']:g} words a day"
        f" over the last {pace['window_days']} days",
        soft_wrap=True,
    )
    for row in [{"title": "The book", "number": "", **book}, *data["parts"]]:
        if row["target"]:
            when = row["reached_on"] or "never at this pace"
            label = f"{row['number']} {escape(row['title'])}".strip()
            out.print(f"  {label}: {row['words']:,} of {row['target']:,} words → {when}", soft_wrap=True)


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'s' if count != 1 else ''}"
