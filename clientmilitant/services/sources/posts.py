"""What every importer gives: posts with their metadata, Markdown text and comments.

Also the one place where HTML bodies (feeds, WXR, Movable Type) become Markdown, through
export/pandoc.py: all the bodies of a file go through one pandoc run.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from dataclasses import dataclass, field

from clientmilitant.core.errors import Failed
from clientmilitant.core.posts import Comment


@dataclass
class Post:
    """A post found in an imported file. `where` is `file:line` for messages and the archive."""

    title: str
    date: str  # ISO 8601 day ('2007-12-13'), or '' when the file does not say
    text: str  # Markdown
    where: str
    author: str = ""
    url: str = ""
    site: str = ""
    comments: list[Comment] = field(default_factory=list)
    # The plain-text dump could not tell where the post ends and the first comment begins: the
    # importer settles it (see textdump.PendingSplit) once it knows the posts already archived.
    pending: object | None = None


# Markdown as plain as pandoc writes it: no raw HTML, no attributes, no divs or spans; and
# without `smart`, so that « », ’ and … stay the characters the author typed.
PANDOC_MARKDOWN = (
    "markdown-raw_html-native_divs-native_spans-fenced_divs-bracketed_spans"
    "-header_attributes-link_attributes-inline_code_attributes-fenced_code_attributes-smart"
)


def html_to_markdown(bodies: list[str]) -> list[str]:
    """Each HTML fragment as Markdown, converted in a single pandoc run (one start-up, not N)."""
    if not bodies:
        return []
    if not any(body.strip() for body in bodies):
        return ["" for _ in bodies]
    from clientmilitant.services.export.pandoc import convert_text

    marker = f"CMSPLIT{secrets.token_hex(8)}"
    joined = "".join(f"<p>{marker}</p>\n{body}\n" for body in bodies)
    output = convert_text(joined, PANDOC_MARKDOWN, "html", "the HTML of the posts")
    pieces = re.split(rf"^{marker}\s*$", output, flags=re.M)
    if len(pieces) != len(bodies) + 1:
        raise Failed("pandoc's output could not be split back into posts")
    return [piece.strip("\n") for piece in pieces[1:]]


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


def without_controls(post: Post) -> Post:
    """A post without control characters or bidi overrides: a feed's title must not drive the
    terminal (`\\x1b]0;…` sets its title) nor make an export ill-formed XHTML."""
    from clientmilitant.core.untrusted import strip_controls as clean

    comments = [
        dataclasses.replace(c, author=clean(c.author), date=clean(c.date), text=clean(c.text)) for c in post.comments
    ]
    return dataclasses.replace(
        post,
        title=clean(post.title), date=clean(post.date), text=clean(post.text), author=clean(post.author),
        url=clean(post.url), site=clean(post.site), comments=comments,
    )  # fmt: skip
