"""Drawing the outline for a person with rich (imported here, only when a person is reading)."""

from __future__ import annotations

from typing import Any

from clientmilitant.cli.common import console, escape

STATUS_STYLES = {"idea": "dim", "draft": "yellow", "revised": "cyan", "final": "green"}


def words_label(words: int, target: int | None) -> str:
    if target:
        return f"{words:,}/{target:,} words"
    return f"{words:,} words" if words else ""


def section_label(node: dict[str, Any]) -> str:
    status = node["status"]
    parts = [
        f"[bold]{node['number']}[/bold] {escape(node['title'])}",
        f"[dim]{node['id']}[/dim]",
        f"[{STATUS_STYLES[status]}]{status}[/{STATUS_STYLES[status]}]",
    ]
    words = words_label(node["words"], node["target"])
    if words:
        parts.append(words)
    if node["sources"]:
        count = len(node["sources"])
        parts.append(f"[magenta]{count} source{'s' if count > 1 else ''}[/magenta]")
    return "  ".join(parts)


def outline_tree(data: dict[str, Any], show_points: bool, show_sources: bool) -> None:
    from rich.tree import Tree

    book = data["book"]
    title = escape(book["title"] or "(untitled)")
    if book["subtitle"]:
        title += f" — {escape(book['subtitle'])}"
    tree = Tree(f"[bold]{title}[/bold]", guide_style="dim")
    sources = {source["id"]: source for source in data["sources"]}

    def add(branch: Any, node: dict[str, Any]) -> None:
        child = branch.add(section_label(node))
        if show_points:
            for point in node["points"]:
                child.add(f"[dim]→ {escape(point)}[/dim]")
        if show_sources:
            for source_id in node["sources"]:
                child.add(f"[magenta]↗ {escape(source_line(sources.get(source_id), source_id))}[/magenta]")
        for sub in node["sections"]:
            add(child, sub)

    for part in data["parts"]:
        add(tree, part)
    console().print(tree)


def source_line(source: dict[str, Any] | None, source_id: str) -> str:
    if source is None:
        return f"{source_id} (not in the registry)"
    label = source["title"] or source["url"] or source_id
    details = ", ".join(x for x in (source["author"], source["date"]) if x)
    return f"{source_id}: {label}" + (f" ({details})" if details else "")
