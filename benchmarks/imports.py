"""Import benchmarks (issue 14): `cm source import` at a whole blog's size, in each format.

    .venv/bin/python benchmarks/imports.py            # 1,000 posts (RSS, WXR), 820 posts + 1,000 comments (Typepad)
    .venv/bin/python benchmarks/imports.py --big      # and the linear growth: 10,000 and 100,000 posts, each format
    .venv/bin/python benchmarks/run.py --only imports # the same figures as a part of the whole benchmark

Each figure: the real `cm source import FILE` into a fresh copy of a 100-section book, as a new
process; wall and CPU time (user + system, from wait4) and peak resident memory. The floor is the
import of a one-post feed: start-up, loading and saving the book. Targets from the issue: 1,000 posts in ≤ 2 s and
≤ 150 MB; 820 posts with 1,000 comments in ≤ 2 s; 100,000 posts in ≤ 150 × the 1,000-post time.
The machine is shared (2 cores, other helpers' test suites): CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import CM, TARGETS, WORDS, Measure, prose, rss_feed, run_once, synthetic_book, timing, verdict  # noqa: E402

TARGETS.update({"import_1000_seconds": 2.0, "import_typepad_seconds": 2.0, "import_growth_100k": 150.0})


def wxr(posts: int) -> str:
    """A WordPress 1.2 export of `posts` posts of ~300 words, one comment on every second post."""
    items = []
    for n in range(posts):
        day = date(2005, 1, 1) + timedelta(days=n % 7000)
        body = "\n\n".join(prose(300, n).split("\n\n"))
        comment = (
            f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>Lecteur {n}</wp:comment_author>"
            f"<wp:comment_date>{day} 12:00:00</wp:comment_date><wp:comment_content><![CDATA[D'accord.]]>"
            "</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>"
            if n % 2
            else ""
        )
        items.append(
            f"<item><title>Billet {n} : le client {WORDS[n % len(WORDS)]}</title>"
            f"<link>https://blog.example.org/{day:%Y/%m}/billet-{n}/</link><dc:creator>jbp</dc:creator>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded><wp:post_date>{day} 10:00:00</wp:post_date>"
            f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{comment}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="https://wordpress.org/export/1.2/"><channel>'
        "<title>Le blog</title><link>https://blog.example.org</link><wp:wxr_version>1.2</wp:wxr_version>\n"
        + "\n".join(items)
        + "</channel></rss>\n"
    )


def typepad(posts: int, comments: int) -> str:
    """A Typepad (MT format) export of `posts` posts of ~300 words and `comments` comments spread over them."""
    entries = []
    for n in range(posts):
        when = datetime(2003, 1, 1, 10, 22) + timedelta(days=n * 2)
        body = prose(300, n)
        mine = range(n, comments, posts)  # the comments c with c % posts == n
        blocks = "".join(
            f"COMMENT:\nAUTHOR: Lecteur {c}\nURL: http://lecteur{c}.example.org\n"
            f"DATE: {when + timedelta(hours=c % 48):%m/%d/%Y %I:%M:%S %p}\nPremière ligne du commentaire {c}.\n"
            "Deuxième ligne.\n-----\n"
            for c in mine
        )
        entries.append(
            f"AUTHOR: jbp\nTITLE: Billet {n} : le client {WORDS[n % len(WORDS)]}\nSTATUS: Publish\nCONVERT BREAKS: 1\n"
            f"UNIQUE URL: http://jbp.typepad.com/jb/{when:%Y/%m}/billet-{n}.html\nDATE: {when:%m/%d/%Y %I:%M:%S %p}\n"
            f"-----\nBODY:\n{body}\n-----\nEXTENDED BODY:\n-----\n{blocks}--------\n"
        )
    return "".join(entries)


def measure_import(folder: Path, template: Path, name: str, text: str, runs: int) -> tuple[Measure, float]:
    """Median of `runs` imports of `text` (as file `name`), each into a fresh copy of `template`."""
    source = folder / name
    source.write_text(text, encoding="utf-8")
    del text
    results = []
    for i in range(runs):
        book = folder / f"{source.stem}-{i}"
        shutil.copytree(template, book)
        results.append(run_once([*CM, "source", "import", str(source)], book))
        shutil.rmtree(book)
    size = source.stat().st_size / 1e6
    source.unlink()
    return Measure(statistics.median(r[0] for r in results), statistics.median(r[1] for r in results),
                   max(r[2] for r in results), runs), size  # fmt: skip


FORMATS = {  # name: (file name, file text for n posts)
    "RSS": ("blog.xml", rss_feed),
    "WordPress WXR": ("export.xml", wxr),
    "Typepad (MT)": ("typepad.txt", lambda n: typepad(n, n * 1000 // 820)),
}


def _row(label: str, size: float, m: Measure, target: str, ok: bool, extra: str = "", floor: float = 0) -> str:
    """One line; memory beyond the floor's is shown against the file's size (a linear import keeps it steady)."""
    growth = f"{(m.megabytes - floor) / size:.1f} ×" if floor else "—"
    return f"| {label} | {size:.1f} MB | {timing(m)}{extra} | {growth} | {target} | {verdict(ok)} |"


def section(big: bool, runs: int) -> list[str]:
    """The import figures: 1,000 posts in each format, 820 posts with 1,000 comments, the fixed cost
    of an import (one post: the floor), and with `big` 10,000 and 100,000 posts in each format."""
    rows = ["### Importing a whole blog: `cm source import`", "",
            "| file | size | median (CPU), peak memory | (memory − floor's) / file | target | verdict |",
            "| --- | ---: | ---: | ---: | --- | --- |"]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="cm-imports-") as temp:
        folder = Path(temp)
        template = synthetic_book(folder / "book", 100)
        floor, size = measure_import(folder, template, "one.xml", rss_feed(1), runs)
        rows.append(_row("RSS, 1 post (the floor: start-up, loading and saving the book)", size, floor, "—", True))
        ones = {}
        for label, (name, make) in FORMATS.items():
            count = 820 if label.startswith("Typepad") else 1000
            m, size = measure_import(folder, template, name, make(count), runs)
            ones[label] = m
            target_ok = m.cpu <= TARGETS["import_1000_seconds"] and m.megabytes <= TARGETS["import_megabytes"]
            what = f"{label}, 1,000 posts" + (", 500 comments" if label.startswith("WordPress") else "")
            what = f"{label}, 820 posts, 1,000 comments" if count == 820 else what
            extra = f" ({m.cpu / floor.cpu:.1f} × the floor)"
            rows.append(_row(what, size, m, "≤ 2 s, ≤ 150 MB", target_ok, extra, floor.megabytes))
        if big:
            for label, (name, make) in FORMATS.items():
                base = ones[label].cpu * (1000 / 820 if label.startswith("Typepad") else 1)  # per 1,000 posts
                for count in (10_000, 100_000):
                    m, size = measure_import(folder, template, name, make(count), 1)
                    ratio = m.cpu / base
                    ok = count < 100_000 or ratio <= TARGETS["import_growth_100k"]
                    rows.append(_row(f"{label}, {count:,} posts", size, m, "≤ 150 × the 1,000 at 100,000", ok,
                                     f" ({ratio:.0f} × the CPU of 1,000)", floor.megabytes))  # fmt: skip
    note = (
        "CPU is user + system time of cm (from wait4); memory is the peak resident size. The targets' seconds"
        " are judged on CPU time: wall time on this shared machine is mostly waiting for a core."
    )
    return [*rows, "", note, ""]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also 10,000 and 100,000 posts in each format (long)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (default 3)")
    options = parser.parse_args()
    print("\n".join(section(options.big, options.repeat)))
