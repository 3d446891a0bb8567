"""Settling what a text dump leaves open: an untitled post, and where a post ends and its first
comment begins when no « Commentaires » heading says so (see textdump.PendingSplit)."""

from __future__ import annotations

import re

from clientmilitant.core.posts import Post
from clientmilitant.core.text import fold
from clientmilitant.services.sources.posts import text_to_markdown
from clientmilitant.services.sources.textdump import GREETING, PendingSplit


def _norm(line: str) -> str:
    """A line's words only: copies of a post differ in spaces, arrows and bullets, not in words."""
    return " ".join(re.findall(r"\w+", line.casefold()))


def _content_lines(text: str) -> list[str]:
    return [_norm(line) for line in text.splitlines() if line.strip()]


def first_line_key(text: str) -> str:
    """The words of a text's first line: how a copy of a post is recognised without its title."""
    lines = _content_lines(text)
    return lines[0] if lines else ""


def find_known(post: Post, known: dict[str, Post]) -> Post | None:
    """The known post this untitled or comment-bearing post is a copy of: same first line
    (`known` maps first lines to posts: one lookup, not a loop over the library)."""
    key = first_line_key(post.text)
    match = known.get(key) if key else None
    return match if match is not post else None


def index_first_lines(posts: list[Post], known: dict[str, Post]) -> None:
    """Add `posts` to `known`, the first post with a given first line staying."""
    for post in posts:
        key = first_line_key(post.text)
        if key:
            known.setdefault(key, post)


def settle(post: Post, known: dict[str, Post]) -> Post:
    """Give an untitled post its title, and split a post from its first comment.

    1. The post's first line is the first line of a known post (archived, or found earlier in the
       same import): it is that post — its title, date, author and URL — and the first comment
       starts after the known post's last line.
    2. Otherwise, when a first comment must be found, it starts at the last greeting line
       (« Bonjour », « Merci »…) above the signature; failing that, at the last paragraph.
    An untitled post that matches nothing keeps an empty title: the importer then asks for
    --title and --date."""
    match = find_known(post, known) if (not post.title or post.pending) else None
    if match is not None and not post.title and not match.titled_from_text:
        post.title, post.date = match.title, post.date or match.date
        post.author, post.url, post.site = post.author or match.author, post.url or match.url, post.site or match.site
    if isinstance(post.pending, PendingSplit):
        raw = post.pending.lines
        cut = _cut_after_known(raw, match) if match is not None else None
        if cut is None:
            cut = _cut_by_heuristics(raw)
        post.text = text_to_markdown([t for _, t in raw[:cut]])
        first = post.comments[0]
        prefix = text_to_markdown([t for _, t in raw[cut:]])
        first.text = "\n\n".join(x for x in (prefix, first.text) if x)
        post.pending = None
    return post


def _cut_after_known(raw: list[tuple[int, str]], known: Post) -> int | None:
    known_lines = _content_lines(known.text)
    if not known_lines:
        return None
    last = known_lines[-1]
    for index in range(len(raw) - 1, -1, -1):
        if _norm(raw[index][1]) == last:
            return index + 1
    return None


def _cut_by_heuristics(raw: list[tuple[int, str]]) -> int:
    for index in range(len(raw) - 1, 0, -1):
        if GREETING.match(fold(raw[index][1].strip())):
            return index
    for index in range(len(raw) - 1, 0, -1):
        if not raw[index][1].strip():
            return index + 1
    return max(len(raw) - 1, 0)
