"""What every importer gives: posts with their metadata, Markdown text and comments.

HTML bodies (feeds, WXR, Movable Type) become Markdown in markdown.py; plain text here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from clientmilitant.core.posts import Comment, Post, Skipped

__all__ = ["Comment", "Found", "Post", "ReadOptions", "Skipped", "text_to_markdown"]


def text_to_markdown(lines: list[str]) -> str:
    """Plain text as Markdown: lines kept as written, blank runs made one, no accidental code block.

    A paragraph's first line indented by four spaces would become a code block; its indentation
    goes. Lines inside a paragraph keep theirs (Markdown reads them as the paragraph's text)."""
    result: list[str] = []
    for line in lines:
        line = line.rstrip()
        if not line.strip():
            if result and result[-1] != "":
                result.append("")
            continue
        if not result or result[-1] == "":
            line = line.lstrip()
        result.append(line)
    while result and result[-1] == "":
        result.pop()
    return "\n".join(result)


@dataclass
class Found:
    """What one file gave: its posts, the items skipped (with why), and warnings to show."""

    posts: list[Post]
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReadOptions:
    """What the user asked of the readers: drafts and pages included, ill-formed feeds accepted;
    `progress(stage, done, total)` is told how far reading and converting have gone."""

    drafts: bool = False
    pages: bool = False
    lenient: bool = False
    progress: Callable[[str, int, int], None] | None = None

    def tell(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)

    def counter(self, stage: str) -> Callable[[int, int], None] | None:
        """A `(done, total)` callback for one stage, or None when nobody listens."""
        return None if self.progress is None else lambda done, total: self.tell(stage, done, total)
