"""A picture of the writing history for the README or a web page: an SVG bar chart of the words
written per week, with the running total as a line. Plain SVG text (no plotting library): every
label is escaped, the file is written in one piece.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from clientmilitant.storage.files import atomic_write

WIDTH, HEIGHT, MARGIN = 720, 300, 48


def svg(data: dict[str, Any], title: str) -> str:
    weeks = data["weeks"][-52:]  # at most a year of weeks
    plot_w, plot_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN
    top_net = max([w["net"] for w in weeks] + [1])
    top_total = max([w["words"] for w in weeks] + [1])
    step = plot_w / max(1, len(weeks))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11" role="img">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{MARGIN}" y="24" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - MARGIN}" y2="{HEIGHT - MARGIN}" stroke="#888"/>',
    ]
    points = []
    for index, week in enumerate(weeks):
        x = MARGIN + index * step
        height = max(0, week["net"]) / top_net * plot_h
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{HEIGHT - MARGIN - height:.1f}" width="{max(1, step - 2):.1f}" '
            f'height="{height:.1f}" fill="#4a7ab5"><title>{week["week"]}: {week["net"]:+,} words</title></rect>'
        )
        points.append(f"{x + step / 2:.1f},{HEIGHT - MARGIN - week['words'] / top_total * plot_h:.1f}")
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#c0504d" stroke-width="2"/>')
        parts.append(f'<text x="{MARGIN}" y="{HEIGHT - 16}">{escape(weeks[0]["week"])}</text>')
        parts.append(
            f'<text x="{WIDTH - MARGIN}" y="{HEIGHT - 16}" text-anchor="end">{escape(weeks[-1]["week"])}</text>'
        )
    legend = f"bars: words per week (max {top_net:,}) · line: words written in all (now {data['book']['words']:,})"
    parts.append(f'<text x="{MARGIN}" y="{MARGIN - 8}" fill="#444">{escape(legend)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def html(data: dict[str, Any], title: str) -> str:
    pace = data["pace"]
    reached = data["book"]["reached_on"]
    summary = (
        f"{data['book']['words']:,} words written · {pace['words_per_day']:g} words a day over the last "
        f"{pace['window_days']} days · streak {data['streak']['current']} day(s)"
        + (f" · target reached on {reached}" if reached else "")
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
        f"</head>\n<body>\n{svg(data, title)}<p>{escape(summary)}</p>\n</body>\n</html>\n"
    )


def write_picture(path: Path, data: dict[str, Any], title: str, kind: str) -> Path:
    """Write the chart as `kind` ('svg' or 'html') to `path`, in one piece."""
    atomic_write(path, svg(data, title) if kind == "svg" else html(data, title))
    return path
