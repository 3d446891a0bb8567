"""`cm diff [REV_A] [REV_B]`: how the plan changed between two git revisions, section by section."""

from __future__ import annotations

from typing import Any

import typer

from clientmilitant.cli.common import JSON_OPTION, console, current_book, escape, print_json

SIGNS = {"added": "+", "removed": "-", "changed": "~"}
STYLES = {"added": "green", "removed": "red", "changed": "yellow"}


def diff(
    first: str | None = typer.Argument(None, metavar="[REV_A]", help="The older revision. Default: HEAD."),
    second: str | None = typer.Argument(None, metavar="[REV_B]", help="The newer one. Default: the working tree."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show how the plan changed between two git revisions: sections added, removed, moved (2.3 → 3.1),
    renamed, status or target changed, points added/removed/edited, sources linked/unlinked, and the
    words written in each section's chapter between them.

    Sections are matched by their id, so a move is one line. Revisions are anything git understands
    (HEAD~3, a tag, a hash, main@{2026-01-01}).

    Example: cm diff HEAD~10
    """
    from clientmilitant.services.plan_diff import diff as plan_diff

    data = plan_diff(current_book(), first or "HEAD", second)
    if as_json:
        print_json(data)
    else:
        show_diff(data)


def change_line(change: dict[str, Any]) -> str:
    kind = change["change"]
    old, new = change.get("old"), change.get("new")
    if kind == "moved":
        return f"moved from {old} to {new}"
    if kind == "renamed":
        return f"renamed « {escape(old)} » → « {escape(new)} »"
    if kind in ("status", "target"):
        return f"{kind}: {old if old is not None else 'none'} → {new if new is not None else 'none'}"
    if kind == "point-edited":
        return f"~ point {change['position']}: {escape(old)} → {escape(new)}"
    if kind == "point-added":
        return f"[green]+ point {change['position']}: {escape(new)}[/green]"
    if kind == "point-removed":
        return f"[red]- point {change['position']}: {escape(old)}[/red]"
    if kind == "source-linked":
        return f"[green]+ source {escape(new)}[/green]"
    return f"[red]- source {escape(old)}[/red]"


def words_line(words: dict[str, int]) -> str:
    delta = words["new"] - words["old"]
    return f"words: {words['old']:,} → {words['new']:,} ({delta:+,})"


def show_diff(data: dict[str, Any]) -> None:
    out = console()
    old, new = data["old"], data["new"]
    label = lambda side: side["revision"] + (f" ({side['commit'][:7]})" if side["commit"] else "")  # noqa: E731
    out.print(f"[bold]{escape(label(old))} → {escape(label(new))}[/bold]")
    for section in data["sections"]:
        kind = section["kind"]
        number = section["number"] if kind != "removed" else section["old_number"]
        style = STYLES[kind]
        title = f"{number} {escape(section['title'])}  [dim]({section['id']})[/dim]"
        suffix = f" {kind}" if kind != "changed" else ""
        out.print(f"[{style}]{SIGNS[kind]}[/{style}] {title}{suffix}", soft_wrap=True)
        for change in section["changes"]:
            out.print(f"    {change_line(change)}", soft_wrap=True)
        if section["words"]["old"] != section["words"]["new"]:
            out.print(f"    {words_line(section['words'])}")
    summary = data["summary"]
    if not data["sections"]:
        out.print("no change in the plan or the chapters")
    counts = ", ".join(f"{summary[k]} {k}" for k in ("added", "removed", "moved", "renamed", "changed"))
    out.print(f"{counts}; {words_line(summary['words'])}")
