"""`cm stats --history`: words written per day and per week, from the git history of `chapters/`.

One `git log -p -U0` reads every commit that touched a chapter (and one `git diff HEAD` plus one
`git ls-files --others` the working tree), so the cost is linear in the size of the changes, never
one git call per commit. A commit's words are those of its added lines minus those of its removed
lines, per chapter file, counted as `cm stats` counts them; text between seed markers (`cm chapter
seed`) is left out, so seeding years of posts in one afternoon is not a record day. Days are the
author dates as the author's clock saw them (`GIT_AUTHOR_DATE`); the working tree's changes are
today's. The running total is anchored on today's exact count (the words written, seeded ones
excepted), so that its last value is the one `cm stats` prints.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from clientmilitant.core import model
from clientmilitant.core.seeds import strip_seeded
from clientmilitant.core.words import count_words
from clientmilitant.services import git
from clientmilitant.services.stats import book_stats
from clientmilitant.storage.book import Book

SCHEMA_VERSION = 1
PACE_WINDOW = 28  # days: the pace is that of the last four weeks (or of the history, when shorter)
_MARK = "\x1ecm-commit "


@dataclass
class Day:
    added: int = 0
    removed: int = 0
    by_file: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _count(lines: list[str]) -> int:
    return count_words(strip_seeded("\n".join(lines))) if lines else 0


def _file_of(header: str) -> str | None:
    """`diff --git a/chapters/x.md b/chapters/x.md` → `x` (a chapter's id), else None."""
    name = header.rsplit(" b/", 1)[-1].rsplit("/", 1)[-1]
    return name[:-3] if name.endswith(".md") else None


def parse_patch(text: str, days: dict[str, Day], day: str | None = None) -> int:
    """Add the words of a `git log -p -U0` (or `git diff -U0`) output to `days`; the number of commits."""
    commits = 0
    current_day, file_id, in_hunk = day, None, False
    added: list[str] = []
    removed: list[str] = []

    def flush() -> None:
        plus, minus = _count(added), _count(removed)
        if current_day is not None and file_id is not None and (plus or minus):
            entry = days.setdefault(current_day, Day())
            entry.added += plus
            entry.removed += minus
            entry.by_file[file_id] += plus - minus
        added.clear()
        removed.clear()

    for line in text.split("\n"):
        if line.startswith(_MARK):
            flush()
            commits += 1
            current_day, file_id, in_hunk = line[len(_MARK) :].split()[1], None, False
        elif line.startswith("diff --git "):
            flush()
            file_id, in_hunk = _file_of(line), False
        elif line.startswith("@@"):
            in_hunk = True
        elif in_hunk and line.startswith("+"):
            added.append(line[1:])
        elif in_hunk and line.startswith("-"):
            removed.append(line[1:])
    flush()
    return commits


def _untracked(book: Book, days: dict[str, Day], today: str) -> None:
    out = git.run(book.root, "ls-files", "-z", "--others", "--exclude-standard", "--", "chapters/")
    for name in filter(None, out.decode("utf-8", "surrogateescape").split("\0")):
        file_id = _file_of(" b/" + name)
        if file_id is None or "/" in name.removeprefix("chapters/"):
            continue
        text = (book.root / name).read_text(encoding="utf-8", errors="replace")
        entry = days.setdefault(today, Day())
        words = count_words(strip_seeded(text))
        entry.added += words
        entry.by_file[file_id] += words


def read_days(book: Book, today: str) -> tuple[dict[str, Day], int]:
    """Words added and removed per day, from every commit and the working tree."""
    git.check_repository(book.root)
    days: dict[str, Day] = {}
    commits = 0
    has_head = bool(git.run(book.root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).strip())
    if has_head:
        log = git.run(
            book.root,
            "log", "--reverse", "--no-merges", "--no-renames", "--no-color", "--no-ext-diff", "-p", "-U0",
            f"--format={_MARK}%H %ad", "--date=format:%Y-%m-%d", "--", "chapters/",
        )  # fmt: skip
        commits = parse_patch(log.decode("utf-8", "replace"), days)
        diff = git.run(
            book.root, "diff", "HEAD", "--no-renames", "--no-color", "--no-ext-diff", "-U0", "--", "chapters/"
        )
        parse_patch(diff.decode("utf-8", "replace"), days, today)
    _untracked(book, days, today)
    return days, commits


def _streaks(active: list[datetime.date], today: datetime.date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days with words added; the current one may end yesterday."""
    longest = run = 0
    previous = None
    for day in active:
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        longest = max(longest, run)
        previous = day
    current = run if previous is not None and (today - previous).days <= 1 else 0
    return current, longest


def _reached_on(today: datetime.date, words: int, target: int | None, pace: float) -> str | None:
    if not target:
        return None
    if words >= target:
        return today.isoformat()
    if pace <= 0:
        return None
    return (today + datetime.timedelta(days=-(-(target - words) // pace))).isoformat()


def writing_history(book: Book, today: datetime.date | None = None) -> dict[str, Any]:
    """The JSON shape of `cm stats --history --json` (README, "cm stats --history")."""
    today = today or datetime.date.today()
    outline = book.load()
    days, commits = read_days(book, today.isoformat())
    current = book_stats(book, outline)
    written = current["book"]["written_words"]
    ordered = sorted(days)
    total_net = sum(days[d].added - days[d].removed for d in ordered)
    running = written - total_net  # the words before the first commit's, so that the last total is today's
    day_rows = []
    for date in ordered:
        entry = days[date]
        running += entry.added - entry.removed
        day_rows.append(
            {"date": date, "added": entry.added, "removed": entry.removed, "net": entry.added - entry.removed,
             "words": running}
        )  # fmt: skip
    first = datetime.date.fromisoformat(ordered[0]) if ordered else today
    window = max(1, min(PACE_WINDOW, (today - first).days + 1))
    since = (today - datetime.timedelta(days=window - 1)).isoformat()
    recent = [days[d] for d in ordered if d >= since]
    pace = sum(d.added - d.removed for d in recent) / window
    active = [datetime.date.fromisoformat(d) for d in ordered if days[d].added > 0]
    streak, longest = _streaks(active, today)
    book_target = current["book"]["target"]
    return {
        "version": SCHEMA_VERSION,
        "today": today.isoformat(),
        "commits": commits,
        "days": day_rows,
        "weeks": _weeks(day_rows, first, today),
        "streak": {"current": streak, "longest": longest},
        "pace": {"words_per_day": round(pace, 1), "window_days": window},
        "book": {
            "words": written,
            "target": book_target,
            "reached_on": _reached_on(today, written, book_target, pace),
        },
        "parts": _parts(outline, current, days, since, window, today),
    }


def _weeks(day_rows: list[dict[str, Any]], first: datetime.date, today: datetime.date) -> list[dict[str, Any]]:
    """Every ISO week from the first day's to today's, with its net words and the total at its end."""
    by_week: dict[datetime.date, int] = defaultdict(int)
    end_total: dict[datetime.date, int] = {}
    for row in day_rows:
        day = datetime.date.fromisoformat(row["date"])
        monday = day - datetime.timedelta(days=day.weekday())
        by_week[monday] += row["net"]
        end_total[monday] = row["words"]
    weeks = []
    monday = first - datetime.timedelta(days=first.weekday())
    total = day_rows[0]["words"] - day_rows[0]["net"] if day_rows else 0
    while monday <= today:
        total = end_total.get(monday, total)
        year, week, _ = monday.isocalendar()
        weeks.append(
            {"week": f"{year}-W{week:02d}", "start": monday.isoformat(), "net": by_week[monday], "words": total}
        )
        monday += datetime.timedelta(days=7)
    return weeks


def _parts(outline, current, days, since, window, today) -> list[dict[str, Any]]:
    """Each part with a target: its words, its pace over the same window, the date it reaches its target."""
    part_of = {node.id: part.id for part in outline.parts for node in model.subtree(part)}
    paces: dict[str, int] = defaultdict(int)
    for date, entry in days.items():
        if date >= since:
            for file_id, net in entry.by_file.items():
                if file_id in part_of:
                    paces[part_of[file_id]] += net
    rows = []
    for part in current["parts"]:
        words = part["total_words"] - part["total_seeded_words"]
        pace = paces[part["id"]] / window
        rows.append(
            {"id": part["id"], "number": part["number"], "title": part["title"], "words": words,
             "target": part["total_target"], "words_per_day": round(pace, 1),
             "reached_on": _reached_on(today, words, part["total_target"], pace)}
        )  # fmt: skip
    return rows
