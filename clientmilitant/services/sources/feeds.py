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

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from clientmilitant.core.dates import parse_date
from clientmilitant.core.errors import BookError
from clientmilitant.core.posts import Comment, Post, Skipped
from clientmilitant.services.sources.markdown import html_to_markdown
from clientmilitant.services.sources.posts import Found, ReadOptions

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


CHUNK_BYTES = 512 * 1024  # of items per feedparser run: it holds ~10 × its input in Python objects
ITEMS = ("item", "entry")  # RSS 0.9x/2.0 and RDF items, Atom entries (any prefix)


def feed_chunks(data: bytes) -> Iterator[bytes]:
    """The feed cut into smaller feeds of about CHUNK_BYTES of items each, for feedparser one at a time.

    expat reads the file once, building nothing, and notes where each item starts and where their
    parent closes. Each chunk is the file's own header (BOM, XML declaration, DOCTYPE, namespaces,
    channel), a run of whole items and the file's own footer, all bytes as they were: feedparser
    finds the same encoding (UTF-16, legacy charsets) in each. A file expat refuses is given whole,
    so that feedparser says where it is ill-formed (or recovers what it can with --lenient)."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    starts: list[int] = []
    state = {"depth": 0, "level": 0, "end": -1}

    def opened(name: str, _attributes) -> None:
        state["depth"] += 1
        if name.rsplit(":", 1)[-1] in ITEMS and state["level"] in (0, state["depth"]):
            state["level"] = state["depth"]
            starts.append(parser.CurrentByteIndex)

    def closed(_name: str) -> None:
        if state["end"] < 0 and state["depth"] == state["level"] - 1:
            state["end"] = parser.CurrentByteIndex  # the items' parent closes here
        state["depth"] -= 1

    parser.StartElementHandler, parser.EndElementHandler = opened, closed
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        starts.clear()
    if not starts or state["end"] < 0:
        yield data
        return
    header, footer, bounds, first = data[: starts[0]], data[state["end"] :], [*starts, state["end"]], 0
    for index in range(1, len(bounds)):
        if bounds[index] - bounds[first] >= CHUNK_BYTES or index == len(bounds) - 1:
            yield header + data[bounds[first] : bounds[index]] + footer
            first = index


@dataclass
class _Entry:
    """What cm keeps of one feed entry once feedparser's dict of it is dropped."""

    where: str
    kind: tuple[str, str] | None  # Blogger's (type, status); None in a plain feed
    ref: str  # the entry's id
    title: str
    date: str
    author: str
    url: str
    categories: list[str]
    text: str = ""  # its body as Markdown
    target: str = ""  # a comment's post
    parent: str = ""  # the comment it answers
    author_url: str = ""


def _entry(entry, where: str, base: str) -> _Entry:
    kind = _kind(entry)
    url = _post_link(entry, base)
    categories = [t["term"] for t in entry.get("tags") or [] if t.get("scheme") != BLOGGER_KIND and t.get("term")]
    record = _Entry(where, kind, entry.get("id") or "", entry.get("title") or "", _date(entry),
                    _author(entry), url, categories)  # fmt: skip
    if kind is not None and kind[0] == "comment":
        record.target = entry.get("blogger_parent") or (entry.get("thr_in-reply-to") or {}).get("ref") or ""
        parent = entry.get("blogger_inreplyto", "")
        record.parent = parent if parent != record.target else ""
        record.author_url = (entry.get("author_detail") or {}).get("href", "")
    return record


def _wanted(kind: tuple[str, str] | None, options: ReadOptions) -> bool:
    """Whether an entry's body is worth converting: posts (pages, drafts when asked) and live comments."""
    name, status = kind or ("post", "live")
    if name == "comment":
        return status == "live"
    return (name == "post" or (name == "page" and options.pages)) and (
        status == "live" or (options.drafts and status == "draft")
    )


def _read_entries(data: bytes, filename: str, options: ReadOptions) -> tuple[list[_Entry], list[str], str]:
    """Every entry of the feed, chunk by chunk, its body converted; the warnings; the site."""
    import feedparser

    entries: list[_Entry] = []
    warnings: list[str] = []
    base, done = None, 0
    for chunk in feed_chunks(data):
        parsed = feedparser.parse(chunk, sanitize_html=False, resolve_relative_uris=False)
        if parsed.get("bozo") and not parsed.entries and not options.lenient:
            _check(parsed, filename, options)
        warnings += [w for w in _check(parsed, filename, options) if w not in warnings]
        base = parsed.feed.get("link", "") if base is None else base
        records = [_entry(e, f"{filename}: entry {len(entries) + n}", base) for n, e in enumerate(parsed.entries, 1)]
        keep = [(r, e) for r, e in zip(records, parsed.entries, strict=True) if _wanted(r.kind, options)]
        bodies = html_to_markdown([_html(e) for _, e in keep], None, [r.url or base or "" for r, _ in keep],
                                  [r.where for r, _ in keep], warnings)  # fmt: skip
        for (record, _), text in zip(keep, bodies, strict=True):
            record.text = text
        entries += records
        done += len(chunk)
        options.tell("reading", min(done, len(data)), len(data))
    return entries, warnings, urlsplit(base or "").netloc


def parse_feed(data: bytes, filename: str, options: ReadOptions | None = None) -> Found:
    """The posts of an RSS/Atom feed or a Blogger export, with their comments."""
    options = options or ReadOptions()
    entries, warnings, site = _read_entries(data, filename, options)
    found = Found([], [], warnings)
    is_blogger = any(entry.kind is not None for entry in entries)
    posts: dict[str, Post] = {}
    comments: list[_Entry] = []
    for entry in entries:
        name, status = entry.kind or ("", "")
        if not is_blogger or (name in ("post", "page") and _wanted(entry.kind, options)):
            post = Post(entry.title, entry.date[:10], entry.text, entry.where, entry.author, entry.url,
                        urlsplit(entry.url).netloc or site, status="" if status in ("", "live") else status,
                        categories=entry.categories)  # fmt: skip
            posts[entry.ref or entry.url or entry.where] = post
            found.posts.append(post)
        elif name == "comment":
            if status == "live":
                comments.append(entry)
        elif name == "page" and not options.pages:
            found.skipped.append(Skipped(entry.where, "page"))
        elif name in ("post", "page"):
            found.skipped.append(Skipped(entry.where, status))
    _attach(comments, posts)
    return found


def _attach(comments: list[_Entry], posts: dict[str, Post]) -> None:
    """Blogger's comments on their posts, oldest first, each with the comment it answers."""
    for entry in comments:
        if entry.target in posts:
            posts[entry.target].comments.append(
                Comment(entry.author, entry.date, entry.text, entry.author_url, entry.ref, entry.parent)
            )
    for post in posts.values():
        post.comments.sort(key=lambda c: c.date)
