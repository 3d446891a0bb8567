"""What a chapter's Markdown holds that the export and `cm check` both need to know. Pure, no I/O.

- `front_matter`: a YAML block at the top of a chapter (`---`, `key: value` lines, `---` or
  `...`), as blog engines and static-site generators write it. The export leaves it out (a chapter
  cannot change the book's metadata, and it must never be printed); `cm check` refuses it.
  A `---` line followed by prose is a rule, not front matter.
- `images`: every image of the chapter (Markdown inline or reference, or an HTML `<img>`), with
  its line and whether it has alternative text: an image without it is an accessibility failure
  (WCAG 1.1.1), which `cm check` names and the EPUB's metadata does not hide.
Code, comments and front matter are skipped the way `words.blank_out_unread` skips them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clientmilitant.core.words import blank_out_unread

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n((?:[^\n]*\n)*?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_YAML_KEY = re.compile(r"^[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|$)")
_YAML_OTHER = re.compile(r"^(?:[ \t]+\S|-[ \t]|#|[ \t]*$)")  # continuation, list item, comment, blank
_INLINE_IMAGE = re.compile(r"!\[((?:[^\]\\]|\\.)*)\]\(\s*<?([^)\s>]+)>?[^)]*\)(\{[^}]*\})?")
_REFERENCE_IMAGE = re.compile(r"!\[((?:[^\]\\]|\\.)*)\]\[([^\]]*)\](\{[^}]*\})?")
_HTML_IMAGE = re.compile(r"<img\b([^>]*)>", re.I)
_SRC = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]+)""", re.I)
_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_ATTRIBUTE_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|([^\s}]+))""")


@dataclass(frozen=True)
class FrontMatter:
    """A front-matter block: its first and last line, and the keys it sets."""

    first_line: int
    last_line: int
    keys: tuple[str, ...]
    end: int  # the offset just after it in the text


@dataclass(frozen=True)
class Image:
    """An image of a chapter: its line, its file (or reference label), its alternative text."""

    line: int
    target: str
    alt: str


def front_matter(markdown: str) -> FrontMatter | None:
    """The YAML front matter at the top of `markdown`, or None (a rule, a table, prose)."""
    found = _FRONT_MATTER.match(markdown)
    if not found or not found[1].strip() or not found[1][:1].strip():
        return None
    lines = found[1].split("\n")[:-1]
    keys = tuple(line.split(":", 1)[0].strip() for line in lines if _YAML_KEY.match(line))
    if not keys or not all(_YAML_KEY.match(line) or _YAML_OTHER.match(line) for line in lines):
        return None
    return FrontMatter(1, len(lines) + 2, keys, found.end())


def without_front_matter(markdown: str) -> str:
    """`markdown` with its front matter replaced by blank lines, so that line numbers stay."""
    found = front_matter(markdown)
    if not found:
        return markdown
    return "\n" * (found.last_line) + markdown[found.end :]


def images(markdown: str) -> list[Image]:
    """Every image of the chapter, in order, with its alternative text ('' when it has none)."""
    visible = blank_out_unread(without_front_matter(markdown))
    found: list[tuple[int, str, str]] = []
    for pattern in (_INLINE_IMAGE, _REFERENCE_IMAGE):
        for match in pattern.finditer(visible):
            alt = match[1]
            attribute = _ATTRIBUTE_ALT.search(match[3] or "")
            if attribute:
                alt = attribute[1] if attribute[1] is not None else attribute[2]
            found.append((match.start(), match[2] or match[1], alt))
    for match in _HTML_IMAGE.finditer(visible):
        source, alt = _SRC.search(match[1]), _ALT.search(match[1])
        text = next((group for group in alt.groups() if group is not None), "") if alt else ""
        found.append((match.start(), source[1] if source else "", text))
    return [
        Image(visible.count("\n", 0, start) + 1, target, " ".join(alt.split())) for start, target, alt in sorted(found)
    ]
