"""What every importer gives: posts with their metadata, Markdown text and comments.

Also the one place where HTML bodies (feeds, WXR, Movable Type) become Markdown, through
export/pandoc.py: all the bodies of a file go through one pandoc run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from clientmilitant.core.posts import Comment, Post, Skipped

__all__ = ["Comment", "Found", "Post", "ReadOptions", "Skipped", "html_to_markdown", "text_to_markdown"]


# Markdown as plain as pandoc writes it: no raw HTML, no attributes, no divs or spans; and
# without `smart`, so that « », ’ and … stay the characters the author typed.
PANDOC_MARKDOWN = (
    "markdown-raw_html-native_divs-native_spans-fenced_divs-bracketed_spans"
    "-header_attributes-link_attributes-inline_code_attributes-fenced_code_attributes-smart"
)


def html_to_markdown(bodies: list[str], progress=None) -> list[str]:
    """Each HTML fragment as Markdown, in a few pandoc runs for a whole file (not one per post)."""
    from clientmilitant.services.export.pandoc import convert_fragments

    return [
        _EMPTY_BREAKS.sub("\n\n", text).strip("\n")
        for text in convert_fragments(bodies, "html", PANDOC_MARKDOWN, progress)
    ]


# Blogger spaces paragraphs with `<div><br /></div>`: pandoc writes that empty line break as a
# paragraph holding only `\`, which is nothing a reader sees.
_EMPTY_BREAKS = re.compile(r"(?:\n\n|^)\\(?:\n\n|$)")


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
    `progress(done, total)` is told of the bodies converted."""

    drafts: bool = False
    pages: bool = False
    lenient: bool = False
    progress: Callable[[int, int], None] | None = None
