"""RSS and Atom feeds, and Blogger's Atom export, read with feedparser.

A Blogger export holds settings, the template, posts and comments as Atom entries told apart by a
`kind` category; comments point at their post with `thr:in-reply-to`. An ordinary feed holds only
posts. HTML bodies become Markdown through pandoc (posts.html_to_markdown).
"""

from __future__ import annotations

from clientmilitant.core import urls
from clientmilitant.core.dates import parse_date
from clientmilitant.core.errors import BookError
from clientmilitant.core.posts import Comment
from clientmilitant.services.sources.posts import Post, html_to_markdown

BLOGGER_KIND = "http://schemas.google.com/g/2005#kind"
KIND_POST = "#post"
KIND_COMMENT = "#comment"


def _kind(entry) -> str | None:
    for tag in entry.get("tags") or []:
        if tag.get("scheme") == BLOGGER_KIND:
            return (tag.get("term") or "").rsplit("#", 1)[-1]
    return None


def _html(entry) -> str:
    if entry.get("content"):
        return entry["content"][0].get("value", "")
    return entry.get("summary", "")


def _date(entry) -> str:
    for key in ("published", "updated", "created"):
        if entry.get(key):
            iso = parse_date(entry[key])
            if iso:
                return iso
    return ""


def _post_link(entry) -> str:
    for link in entry.get("links") or []:
        if link.get("rel") == "alternate" and link.get("href", "").startswith("http"):
            return link["href"]
    link = entry.get("link", "")
    return link if link.startswith("http") else ""


def parse_feed(data: bytes, filename: str) -> list[Post]:
    """The posts of an RSS/Atom feed or a Blogger export, with their comments."""
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.entries:
        error = parsed.get("bozo_exception")
        line = getattr(error, "getLineNumber", lambda: None)()
        where = f"{filename}:{line}" if line else filename
        raise BookError(f"{where}: not a feed cm can read: {error}")
    site = urls.site(parsed.feed.get("link", ""))
    entries = list(parsed.entries)
    kinds = [_kind(e) for e in entries]
    is_blogger = any(k is not None for k in kinds)
    post_entries = [e for e, k in zip(entries, kinds, strict=True) if not is_blogger or k == "post"]
    comment_entries = [e for e, k in zip(entries, kinds, strict=True) if is_blogger and k == "comment"]
    bodies = html_to_markdown([_html(e) for e in post_entries] + [_html(e) for e in comment_entries])
    posts: dict[str, Post] = {}
    ordered: list[Post] = []
    for number, (entry, text) in enumerate(zip(post_entries, bodies[: len(post_entries)], strict=True), start=1):
        url = _post_link(entry)
        post = Post(
            title=" ".join((entry.get("title") or "").split()),
            date=_date(entry)[:10],
            text=text,
            where=f"{filename}: entry {number}",
            author=entry.get("author", ""),
            url=url,
            site=urls.site(url) or site,
        )
        posts[entry.get("id", url or str(number))] = post
        ordered.append(post)
    for entry, text in zip(comment_entries, bodies[len(post_entries) :], strict=True):
        target = (entry.get("thr_in-reply-to") or {}).get("ref")
        if target in posts:
            posts[target].comments.append(Comment(entry.get("author", ""), _date(entry), text))
    for post in ordered:
        post.comments.sort(key=lambda c: c.date)
    return ordered
