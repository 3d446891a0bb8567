"""Seed markers: the HTML comments `cm chapter seed` writes around a post's text in a chapter.

    <!-- cm:seed radio-head | Le modèle Radio Head pour la presse | 2007-12-13 | http://… -->
    …the post's Markdown, as archived…
    <!-- cm:seed-end radio-head -->

A quoted post (another author's, seeded with --quote) is marked `cm:seed ID quote | title | author
| date | url`; a reader's comment seeded with --comments is preceded by `<!-- cm:comment ID | author
| date -->`. The markers say which posts a chapter was started from (so none is seeded twice), which
words are still the seeded text (so `cm stats` counts them apart), and whom the book quotes (the
credits). The export leaves every HTML comment out. Pure text functions: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clientmilitant.core.words import count_words

_SEED = re.compile(r"<!-- cm:seed ([a-z0-9-]+)( quote)?((?: \|[^|\n]*?)*) ?-->")
_END = r"<!-- cm:seed-end {} -->"
_COMMENT = re.compile(r"<!-- cm:comment ([a-z0-9-]+)((?: \|[^|\n]*?)*) ?-->")
_HYPHENS = re.compile(r"-{2,}")


@dataclass(frozen=True)
class Seed:
    """A seeded post in a chapter: its source id, whether it is quoted, its fields and its text span."""

    source_id: str
    quote: bool
    fields: tuple[str, ...]  # title, date, url (quote: title, author, date, url)
    start: int  # offset of the opening marker
    end: int  # offset just after the closing marker (or of the text's end when it was deleted)


@dataclass(frozen=True)
class QuotedComment:
    source_id: str
    author: str
    date: str
    offset: int


def field_text(value: str) -> str:
    """A value that can stand in a marker: one line, no `|`, no `--` (invalid inside an HTML comment)."""
    value = " ".join(value.replace("|", "/").split())
    return _HYPHENS.sub(lambda m: "\u2010" * len(m.group()), value)


def opening(source_id: str, fields: list[str], quote: bool = False) -> str:
    kind = " quote" if quote else ""
    return f"<!-- cm:seed {source_id}{kind}" + "".join(f" | {field_text(f)}".rstrip() for f in fields) + " -->"


def closing(source_id: str) -> str:
    return _END.format(source_id)


def comment_marker(source_id: str, author: str, date: str) -> str:
    return f"<!-- cm:comment {source_id} | {field_text(author)} | {field_text(date)} -->"


def _fields(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(" |")[1:])  # positional: an empty field is `` |``


def seeds(text: str) -> list[Seed]:
    """The seeded posts of a chapter, in the order of the text."""
    found = []
    for match in _SEED.finditer(text):
        source_id = match.group(1)
        end_match = re.search(re.escape(closing(source_id)), text[match.end() :])
        end = match.end() + end_match.end() if end_match else len(text)
        found.append(Seed(source_id, bool(match.group(2)), _fields(match.group(3)), match.start(), end))
    return found


def seeded_ids(text: str) -> set[str]:
    return {seed.source_id for seed in seeds(text)}


def quoted_comments(text: str) -> list[QuotedComment]:
    found = []
    for match in _COMMENT.finditer(text):
        fields = _fields(match.group(2)) + ("", "")
        found.append(QuotedComment(match.group(1), fields[0], fields[1], match.start()))
    return found


def seeded_words(text: str) -> int:
    """The words of a chapter still inside seed markers: the posts' text, not yet the author's new words."""
    return sum(count_words(text[seed.start : seed.end]) for seed in seeds(text))


def strip_seeded(text: str) -> str:
    """The text without its seeded blocks (each whole block, markers included)."""
    parts, position = [], 0
    for seed in seeds(text):
        if seed.start >= position:
            parts.append(text[position : seed.start])
            position = seed.end
    parts.append(text[position:])
    return "".join(parts)
