"""Rendering shared by several commands: the outline for a person (with rich on a terminal, as
plain text in a pipe), and the open-feedback line of `cm stats`.

Labels are built once as styled segments. On a terminal rich draws them (colour, wrapping to the
window); in a pipe or a file the same tree is written as plain text without importing rich at all,
which keeps `cm outline show | grep …` fast and its lines unwrapped.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from clientmilitant.cli.common import is_terminal

if TYPE_CHECKING:
    from clientmilitant.storage.book import Book

STATUS_STYLES = {"idea": "dim", "draft": "yellow", "revised": "cyan", "final": "green"}

Segment = tuple[str, str]  # (text, rich style or "")


@dataclass
class TreeNode:
    label: list[Segment]
    children: list[TreeNode] = field(default_factory=list)


def words_label(words: int, target: int | None) -> str:
    if target:
        return f"{words:,}/{target:,} words"
    return f"{words:,} words" if words else ""


def section_label(node: dict[str, Any]) -> list[Segment]:
    status = node["status"]
    segments: list[Segment] = [
        (node["number"], "bold"),
        (" " + node["title"], ""),
        ("  " + node["id"], "dim"),
        ("  " + status, STATUS_STYLES[status]),
    ]
    words = words_label(node["words"], node["target"])
    if words:
        segments.append(("  " + words, ""))
    if node["sources"]:
        count = len(node["sources"])
        segments.append((f"  {count} source{'s' if count > 1 else ''}", "magenta"))
    if node.get("chapter_problem"):  # a chapter link leading out of the book, or to nothing
        segments.append((f"  chapter: {node['chapter_problem']}", "red"))
    if node.get("open_feedback"):  # only with `cm outline show --feedback`
        segments.append((f"  {node['open_feedback']} open feedback", "red"))
    return segments


def source_line(source: dict[str, Any] | None, source_id: str) -> str:
    if source is None:
        return f"{source_id} (not in the registry)"
    label = source["title"] or source["url"] or source_id
    details = ", ".join(x for x in (source["author"], source["date"]) if x)
    return f"{source_id}: {label}" + (f" ({details})" if details else "")


def outline_tree(data: dict[str, Any], show_points: bool, show_sources: bool) -> None:
    """Print the tree of `outline.outline_data()`."""
    book = data["book"]
    title = (book["title"] or "(untitled)") + (f" — {book['subtitle']}" if book["subtitle"] else "")
    sources = {source["id"]: source for source in data["sources"]}

    def build(node: dict[str, Any]) -> TreeNode:
        children = [TreeNode([("→ " + point, "dim")]) for point in node["points"]] if show_points else []
        if show_sources:
            children += [TreeNode([("↗ " + source_line(sources.get(i), i), "magenta")]) for i in node["sources"]]
        children += [build(sub) for sub in node["sections"]]
        return TreeNode(section_label(node), children)

    print_tree(TreeNode([(title, "bold")], [build(part) for part in data["parts"]]))


def print_tree(root: TreeNode) -> None:
    if is_terminal():
        _print_rich_tree(root)
    else:
        sys.stdout.write("".join(line + "\n" for line in plain_tree_lines(root)))


def plain_tree_lines(root: TreeNode) -> list[str]:
    """The tree drawn with the same guides rich uses (├── │ └──), one line per node."""
    lines = ["".join(text for text, _ in root.label)]

    def draw(children: list[TreeNode], prefix: str) -> None:
        for i, child in enumerate(children):
            last = i == len(children) - 1
            lines.append(prefix + ("└── " if last else "├── ") + "".join(text for text, _ in child.label))
            draw(child.children, prefix + ("    " if last else "│   "))

    draw(root.children, "")
    return lines


def _print_rich_tree(root: TreeNode) -> None:
    from rich.text import Text
    from rich.tree import Tree

    from clientmilitant.cli.common import console

    def add(branch: Tree, node: TreeNode) -> None:
        child = branch.add(Text.assemble(*node.label))
        for sub in node.children:
            add(child, sub)

    tree = Tree(Text.assemble(*root.label), guide_style="dim")
    for child in root.children:
        add(tree, child)
    console().print(tree)


def print_open_by_part(book: Book) -> None:
    """The line `cm stats` adds when readers' feedback is open: the count per part."""
    from clientmilitant.cli.common import escape, say
    from clientmilitant.core.errors import CmError
    from clientmilitant.services.feedback import open_by_part

    try:
        parts = [part for part in open_by_part(book, book.load()) if part["open_feedback"]]
    except CmError as error:  # a broken feedback.yaml must not hide the progress just printed
        say(f"[red]open feedback not counted: {escape(str(error))}[/red]")
        return
    if parts:
        counts = ", ".join(f"{p['number']} {escape(p['title'])}: {p['open_feedback']}" for p in parts)
        say(f"Open feedback by part: {counts}  [dim](cm feedback list --open)[/dim]")
