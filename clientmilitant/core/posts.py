"""What an importer finds in a blog's file: posts and their readers' comments. Pure data."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Comment:
    """A reader's comment on a post, as the blog showed it.

    `ref` is the comment's own id in its file and `parent` the id of the comment it answers
    (WordPress and Blogger threads); both are '' when the platform has no threads."""

    author: str
    date: str  # ISO 8601: '2008-01-06T14:22' when the time is known, else '2008-01-06'
    text: str  # Markdown
    url: str = ""  # the commenter's site
    ref: str = ""
    parent: str = ""


@dataclass
class Post:
    """A post found in an imported file. `where` is `file:line` or `file: item N` for messages."""

    title: str
    date: str  # ISO 8601 day ('2007-12-13'), or '' when the file does not say
    text: str  # Markdown
    where: str
    author: str = ""
    url: str = ""
    site: str = ""
    comments: list[Comment] = field(default_factory=list)
    status: str = ""  # '' when published; 'draft', 'private'… when imported with --drafts
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    titled_from_text: bool = False  # the file gave no title: it was made from the first words
    # The plain-text dump could not tell where the post ends and the first comment begins: the
    # importer settles it (see textdump.PendingSplit) once it knows the posts already archived.
    pending: object | None = None


@dataclass(frozen=True)
class Skipped:
    """A post (or item) of a file that was not imported, and why: `reason` is a short key
    ('draft', 'page', 'attachment', 'bad post'…) counted in the summary; `detail` says more."""

    where: str
    reason: str
    detail: str = ""
