"""The posts model: what a blog post carries besides its text. Shared by the format parsers
(services/sources/) and the archive that keeps posts on disk (storage/archive.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Comment:
    """A reader's comment on a post, as the blog page showed it."""

    author: str
    date: str  # ISO 8601: '2008-01-06T14:22' when the time is known, else '2008-01-06'
    text: str
