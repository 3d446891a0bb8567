"""`cm source import`: read files of posts in any format cm knows, and merge them into the library.

Formats are recognised from the content, not the file name: XML with `wp:` fields is a WordPress
export (WXR); other XML (RSS, Atom, RDF) a feed, Blogger's export included; text starting with
Movable Type keys (`AUTHOR:`, `TITLE:`…) and `-----` separators an MT/Typepad export; anything
else a plain-text dump copied from blog pages.

Each post is matched with the registry, in this order:
1. same URL (scheme, `www.` and a final `/` ignored);
2. same title (case and accents ignored) and same date — or a registered date the post's date
   refines (`2007-12` and `2007-12-13`);
3. a registered Typepad/Blogger URL that is not archived yet, or whose archive holds this post (on
   the post's own site, when the post has a URL), whose `/YYYY/MM/` is the post's
   month and whose slug is the post's title shortened the way those platforms shorten it
   (`…/2007/12/le-modle-radio.html` ← « Le modèle Radio Head pour la presse »: Typepad drops
   accented letters and keeps 15 characters).
A match becomes the same source: its id and links stay, its empty fields are filled, and it is
archived if it was not. An archived source keeps its text; only comments it lacks are added. So
importing a file twice adds nothing. Archive files are written before outline.yaml, so that an
interrupted import never leaves the registry naming an archive that is not there.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from clientmilitant.core import model, urls
from clientmilitant.core.dates import normalize_date
from clientmilitant.core.errors import BookError, CmError, NotFound
from clientmilitant.core.posts import Comment
from clientmilitant.core.text import fold
from clientmilitant.core.urls import host, normalize_url, url_slug
from clientmilitant.services.sources.posts import Post, without_controls
from clientmilitant.storage.archive import Archive, archived_ids, read_archive, write_archive
from clientmilitant.storage.book import Book
from clientmilitant.storage.files import display_path

FEED, WXR, MT, TEXT = "feed", "wxr", "movabletype", "text"
FORMAT_NAMES = {FEED: "RSS/Atom feed", WXR: "WordPress export", MT: "Movable Type export", TEXT: "text dump"}
MAX_FILE_BYTES = 200 * 1024 * 1024

NEW, MERGED, COMMENTS, UNCHANGED = "new", "merged", "comments", "unchanged"


@dataclass
class ImportRow:
    """What happened (or would happen) to one post."""

    action: str  # new | merged | comments | unchanged
    source_id: str
    title: str
    date: str
    author: str
    comments: int  # comments the archive holds after the import
    added_comments: int
    where: str
    matched_by: str = ""  # url | title+date | url slug | archive (an archive the registry had lost)


@dataclass
class ImportReport:
    files: list[tuple[str, str, int]]  # (file, format name, posts found)
    rows: list[ImportRow] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return any(row.action != UNCHANGED for row in self.rows)


@dataclass(frozen=True)
class Defaults:
    """Values given on the command line for what a file does not say."""

    title: str | None = None  # for a post that has no title line
    date: str | None = None
    author: str | None = None
    site: str | None = None


# --- reading files ----------------------------------------------------------------------------


def detect_format(data: bytes) -> str:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        if b"wordpress.org/export/" in data[:200_000]:
            return WXR
        return FEED
    from clientmilitant.services.sources.movabletype import looks_like_mt

    if looks_like_mt(data[:200_000].decode("utf-8", "replace")):
        return MT
    return TEXT


def _decode(data: bytes, filename: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BookError(
            f"{filename}:{line}: byte 0x{data[error.start]:02x} is not UTF-8; save the file as UTF-8"
        ) from None


def read_posts(path: Path) -> tuple[str, list[Post]]:
    """The format of a file and the posts in it; a file with no post is an error."""
    filename = display_path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BookError(f"{filename}: larger than {MAX_FILE_BYTES // 2**20} MB; is this the right file?")
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{filename}: no such file") from None
    except IsADirectoryError:
        raise BookError(f"{filename}: is a folder; give the files to import") from None
    except OSError as error:
        raise BookError(f"{filename}: cannot read: {error.strerror}") from None
    kind = detect_format(data)
    if kind == FEED and re.match(
        rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)", data[:4096].lstrip(b"\xef\xbb\xbf"), re.I | re.S
    ):
        raise BookError(
            f"{filename}: a web page, not a feed or an export",
            "import the blog's feed or export, or copy the page's text into a .txt file",
        )
    posts: list[Post]
    if kind == FEED:
        from clientmilitant.services.sources.feeds import parse_feed

        posts = parse_feed(data, filename)
    elif kind == WXR:
        from clientmilitant.services.sources.wxr import parse_wxr, parse_xml

        posts = parse_wxr(parse_xml(data, filename), filename)
    elif kind == MT:
        from clientmilitant.services.sources.movabletype import parse_movabletype

        posts = parse_movabletype(_decode(data, filename), filename)
    else:
        from clientmilitant.services.sources.textdump import parse_dump

        posts = parse_dump(_decode(data, filename), filename)
    if not posts:
        raise NotFound(f"{filename}: no post found in this {FORMAT_NAMES[kind]}")
    return kind, [without_controls(post) for post in posts]


def _known_posts(book: Book) -> list[Post]:
    """The archived posts, as posts: what an untitled post in a dump can be recognised as."""
    known = []
    for source_id in sorted(archived_ids(book)):
        archive = read_archive(book, source_id)
        if archive is None:
            continue
        meta = archive.meta
        known.append(
            Post(meta.get("title", ""), meta.get("date", ""), archive.text, source_id,
                 meta.get("author", ""), meta.get("url", ""), meta.get("site", ""))
        )  # fmt: skip
    return known


def gather(book: Book, paths: list[Path], defaults: Defaults) -> tuple[list[tuple[str, str, int]], list[Post]]:
    """Every post of every file, settled: titled, split from its comments, defaults applied."""
    from clientmilitant.services.sources.textdump import settle

    files, posts = [], []
    book.load()  # a broken outline.yaml is refused before any file is read
    known = _known_posts(book)
    for path in paths:
        kind, found = read_posts(path)
        for post in found:
            if kind == TEXT:
                settle(post, known + posts)
            posts.append(post)
        files.append((display_path(path), FORMAT_NAMES[kind], len(found)))
    untitled = [post for post in posts if not post.title]
    if untitled:
        if not defaults.title or len(untitled) > 1:
            first = untitled[0]
            opening = " ".join(first.text.split())[:40]
            raise CmError(
                f"{first.where}: a post without a title line (it starts « {opening}… »)",
                "import it with the dump that holds the same post, or give its --title and --date"
                if len(untitled) == 1
                else f"{len(untitled)} posts have no title; import them one file at a time with --title and --date",
            )
        untitled[0].title = " ".join(defaults.title.split())
        untitled[0].date = untitled[0].date or normalize_date(defaults.date or "")[:10]
    for post in posts:
        post.author = post.author or (defaults.author or "")
        post.site = post.site or (defaults.site or "") or urls.site(post.url)
    return files, posts


# --- matching -----------------------------------------------------------------------------------


# The matching below compares every post with every registered source: keys are computed once per
# distinct text, not once per comparison (1,000 posts × 1,000 sources).
@functools.cache
def _title_key(title: str) -> str:
    return " ".join(fold(title).split())


def _same_title(a: str, b: str) -> bool:
    return bool(a and b) and _title_key(a) == _title_key(b)


def _dates_agree(registered: str, post: str) -> bool:
    """Equal, or one refines the other (`2007-12` and `2007-12-13`); an empty date agrees with none."""
    if not registered or not post:
        return registered == post
    return post.startswith(registered) or registered.startswith(post)


def _collapse(slug: str) -> str:
    return "-".join(part for part in slug.split("-") if part)


def title_slugs(title: str) -> list[str]:
    """The title as Typepad (accented letters dropped) and Blogger/WordPress (accents folded) slug it."""
    lowered = title.casefold().replace("'", "").replace("’", "")
    dropped = "".join(c for c in lowered if c.isascii())
    return [_collapse(re.sub(r"[^a-z0-9]+", "-", variant)) for variant in (dropped, fold(lowered))]


def slug_matches(slug: str, title: str) -> bool:
    """A platform's slug is the title, shortened: a prefix of it, or its words in the same order."""
    wanted = _collapse(slug)
    if len(wanted) < 4:
        return False
    for candidate in title_slugs(title):
        if candidate == wanted or (len(wanted) >= 8 and candidate.startswith(wanted)):
            return True
        words, it = wanted.split("-"), iter(candidate.split("-"))
        if len(words) >= 3 and all(word in it for word in words):
            return True
    return False


def find_match(outline: model.Outline, post: Post, archived: dict[str, str]) -> tuple[model.Source, str] | None:
    """The registered source `post` is, and how it was recognised; `archived` maps ids to archived titles."""
    if post.url:
        wanted = normalize_url(post.url)
        for source in outline.sources:
            if source.url and normalize_url(source.url) == wanted:
                return source, "url"
    for source in outline.sources:
        if _same_title(source.title, post.title) and _dates_agree(source.date, post.date):
            return source, "title+date"
    if post.title and post.date:
        for source in outline.sources:
            if source.title and not _same_title(source.title, post.title):
                continue
            if source.id in archived and not _same_title(archived[source.id], post.title):
                continue  # its archive holds another post
            if post.url and host(post.url) != host(source.url):  # the post has its own, other address
                continue
            found = url_slug(source.url) if source.url else None
            if found and found[0] == post.date[:7] and slug_matches(found[1], post.title):
                return source, "url slug"
    return None


# --- merging ------------------------------------------------------------------------------------


def _comment_key(comment: Comment) -> tuple[str, str]:
    return (fold(comment.author.strip()), comment.date or " ".join(comment.text.split())[:200])


def _fill(source: model.Source, post: Post) -> None:
    """Give a registered source what the post knows and it does not: never overwrite a value."""
    source.title = source.title or post.title
    source.author = source.author or post.author
    source.url = source.url or post.url
    source.site = source.site or post.site
    if post.date and (not source.date or (post.date.startswith(source.date) and len(post.date) > len(source.date))):
        source.date = post.date


def _archive_for(source: model.Source, post: Post, origin: str) -> Archive:
    meta = {"title": source.title or post.title, "url": source.url or post.url, "author": source.author or post.author,
            "date": source.date or post.date, "site": source.site or post.site, "imported_from": origin}  # fmt: skip
    return Archive(source.id, meta, post.text, list(post.comments))


def plan_import(book: Book, outline: model.Outline, posts: list[Post]) -> tuple[list[ImportRow], list[Archive]]:
    """Change `outline` (the registry) for these posts; return the rows and the archives to write."""
    archived = archived_ids(book)
    archived_titles = {}
    for source_id in archived:
        archive = read_archive(book, source_id)
        archived_titles[source_id] = archive.meta.get("title", "") if archive else ""
    orphans = _orphans(book, outline, archived)
    pending: dict[str, Archive] = {}
    rows = []
    for post in posts:
        origin = post.where.split("/")[-1]
        titles = {**archived_titles, **{i: a.meta.get("title", "") for i, a in pending.items()}}
        match = find_match(outline, post, titles)
        registered = match is not None
        if match is None and (adopted := find_match(orphans, post, {})) is not None:
            # an archive the registry lost (`cm undo` after an import): register it again under its id
            orphans.sources.remove(adopted[0])
            outline.sources.append(adopted[0])
            match = (adopted[0], "archive")
        if match is None:
            taken = {s.id for s in outline.sources} | archived | set(pending)  # never overwrite an orphan archive
            source = model.Source(
                id=model.unique_id(model.slugify(post.title or "source"), taken),
                url=post.url, title=post.title, author=post.author, date=post.date, site=post.site,
            )  # fmt: skip
            outline.sources.append(source)
            pending[source.id] = _archive_for(source, post, origin)
            rows.append(_row(NEW, source, post, len(post.comments), len(post.comments), ""))
            continue
        source, matched_by = match
        before = dataclasses.replace(source)
        _fill(source, post)
        registry_changed = not registered or source != before
        existing = pending.get(source.id) or (read_archive(book, source.id) if source.id in archived else None)
        if existing is None:
            pending[source.id] = _archive_for(source, post, origin)
            rows.append(_row(MERGED, source, post, len(post.comments), len(post.comments), matched_by))
            continue
        known = {_comment_key(c) for c in existing.comments}
        new_comments = [c for c in post.comments if _comment_key(c) not in known]
        if new_comments:
            existing.comments = sorted(existing.comments + new_comments, key=lambda c: c.date)
            pending[source.id] = existing
        action = COMMENTS if new_comments else MERGED if registry_changed else UNCHANGED
        rows.append(_row(action, source, post, len(existing.comments), len(new_comments), matched_by))
    return rows, list(pending.values())


def _orphans(book: Book, outline: model.Outline, archived: set[str]) -> model.Outline:
    """The archives no registered source names, as sources (an outline holding only them)."""
    registered = {s.id for s in outline.sources}
    found = model.Outline()
    for source_id in sorted(archived - registered):
        archive = read_archive(book, source_id)
        if archive is not None:
            meta = archive.meta
            found.sources.append(
                model.Source(source_id, *(meta.get(k, "") for k in ("url", "title", "author", "date", "site")))
            )
    return found


def _row(action: str, source: model.Source, post: Post, comments: int, added: int, matched_by: str) -> ImportRow:
    return ImportRow(action, source.id, source.title or post.title, source.date or post.date,
                     source.author or post.author, comments, added, post.where, matched_by)  # fmt: skip


def import_files(book: Book, paths: list[Path], dry_run: bool = False, defaults: Defaults = Defaults()) -> ImportReport:
    """Import the posts of `paths` into the book's library (or, with dry_run, only say what would be)."""
    files, posts = gather(book, paths, defaults)
    rows, _ = plan_import(book, book.load(), posts)
    report = ImportReport(files, rows, dry_run)
    if dry_run or not report.changed:
        return report
    names = " ".join(Path(p).name for p in paths)
    with book.edit(f"source import {names}") as change:
        rows, archives = plan_import(book, change.outline, posts)  # again: the outline may have changed meanwhile
        for archive in archives:
            write_archive(book, archive)
    report.rows = rows
    return report
