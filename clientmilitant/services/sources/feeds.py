"""RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 feeds, and Blogger's exports, read with feedparser.

feedparser finds the encoding (UTF-8, UTF-16 with or without BOM, legacy charsets declared in the
XML prolog). An ill-formed feed (feedparser's `bozo`) is refused with its line and column, unless
--lenient: then what the parser recovered is imported, with a warning.

Blogger writes two exports. The classic one (Atom, `blog-….xml`) tells settings, template, posts
and comments apart with a `kind` category; drafts carry `<app:draft>yes</app:draft>`; comments
point at their post with `thr:in-reply-to`. Google Takeout's `feed.atom` uses `blogger:type`
(POST, PAGE, COMMENT), `blogger:status` (LIVE, DRAFT, DELETED…), `blogger:parent` (a comment's
post) and `blogger:filename` (the post's path). Blogger puts `noreply@blogger.com` where an
author's e-mail would be: only the name is kept.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from clientmilitant.core.dates import parse_date
from clientmilitant.core.errors import BookError
from clientmilitant.core.posts import Comment, Post, Skipped
from clientmilitant.services.sources.posts import Found, ReadOptions, html_to_markdown

BLOGGER_KIND = "http://schemas.google.com/g/2005#kind"
HARMLESS = ("CharacterEncodingOverride", "NonXMLContentType")  # decoded all the same


def _kind(entry) -> tuple[str, str] | None:
    """(type, status) of a Blogger entry: ('post', 'live'), ('comment', 'draft')…; None in a plain feed."""
    if entry.get("blogger_type"):
        return entry["blogger_type"].lower(), (entry.get("blogger_status") or "live").lower()
    for tag in entry.get("tags") or []:
        if tag.get("scheme") == BLOGGER_KIND:
            draft = (entry.get("app_draft") or "").strip().lower() == "yes"
            return (tag.get("term") or "").rsplit("#", 1)[-1], "draft" if draft else "live"
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


def _author(entry) -> str:
    detail = entry.get("author_detail") or {}
    name = detail.get("name") or entry.get("author", "")
    if "noreply@blogger.com" in name or name.strip().lower() in ("unknown", "noreply"):
        return ""
    return name


def _post_link(entry, base: str) -> str:
    for link in entry.get("links") or []:
        if link.get("rel") == "alternate" and link.get("href", "").startswith("http"):
            return link["href"]
    if entry.get("blogger_filename") and base:
        return urljoin(base, entry["blogger_filename"])
    link = entry.get("link", "")
    return link if link.startswith("http") else ""


def _check(parsed, filename: str, options: ReadOptions) -> list[str]:
    if not parsed.get("bozo"):
        return []
    error = parsed.get("bozo_exception")
    name = type(error).__name__
    if name in HARMLESS:
        return [f"{filename}: {error}"]
    line = getattr(error, "getLineNumber", lambda: None)()
    column = getattr(error, "getColumnNumber", lambda: None)()
    where = f"{filename}:{line}:{(column or 0) + 1}" if line else filename
    message = getattr(error, "getMessage", lambda: str(error))()
    if not options.lenient:
        raise BookError(
            f"{where}: not a well-formed feed ({message})",
            "fix the file, or import what can be read of it with --lenient",
        )
    return [f"{where}: not a well-formed feed ({message}); --lenient: imported the {len(parsed.entries)} entries read"]


def parse_feed(data: bytes, filename: str, options: ReadOptions | None = None) -> Found:
    """The posts of an RSS/Atom feed or a Blogger export, with their comments."""
    options = options or ReadOptions()
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.entries and not options.lenient:
        _check(parsed, filename, options)
    warnings = _check(parsed, filename, options)
    base = parsed.feed.get("link", "")
    site = urlsplit(base).netloc
    found = Found([], [], warnings)
    kinds = [_kind(e) for e in parsed.entries]
    is_blogger = any(k is not None for k in kinds)
    post_entries, comment_entries = [], []
    for number, (entry, kind) in enumerate(zip(parsed.entries, kinds, strict=True), start=1):
        where = f"{filename}: entry {number}"
        if not is_blogger:
            post_entries.append((where, entry, ""))
            continue
        kind_name, status = kind or ("", "")
        if kind_name == "comment":
            if status == "live":
                comment_entries.append(entry)
        elif kind_name not in ("post", "page") or (kind_name == "page" and not options.pages):
            if kind_name in ("page",):
                found.skipped.append(Skipped(where, "page"))
        elif status == "live" or (options.drafts and status == "draft"):
            post_entries.append((where, entry, "" if status == "live" else status))
        else:
            found.skipped.append(Skipped(where, status))
    htmls = [_html(e) for _, e, _ in post_entries] + [_html(e) for e in comment_entries]
    bodies = html_to_markdown(htmls, options.progress)
    posts: dict[str, Post] = {}
    for (where, entry, status), text in zip(post_entries, bodies, strict=False):
        url = _post_link(entry, base)
        categories = [t["term"] for t in entry.get("tags") or [] if t.get("scheme") != BLOGGER_KIND and t.get("term")]
        post = Post(entry.get("title") or "", _date(entry)[:10], text, where, _author(entry), url,
                    urlsplit(url).netloc or site, status=status, categories=categories)  # fmt: skip
        posts[entry.get("id") or url or where] = post
        found.posts.append(post)
    _attach(comment_entries, bodies[len(post_entries) :], posts)
    return found


def _attach(entries, texts: list[str], posts: dict[str, Post]) -> None:
    """Blogger's comments on their posts, oldest first, each with the comment it answers."""
    for entry, text in zip(entries, texts, strict=True):
        target = entry.get("blogger_parent") or (entry.get("thr_in-reply-to") or {}).get("ref")
        if target in posts:
            parent = entry.get("blogger_inreplyto", "")
            url = (entry.get("author_detail") or {}).get("href", "")
            posts[target].comments.append(Comment(_author(entry), _date(entry), text, url, entry.get("id", ""),
                                                  parent if parent != target else ""))  # fmt: skip
    for post in posts.values():
        post.comments.sort(key=lambda c: c.date)
