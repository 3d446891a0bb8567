"""`cm source import`: read files of posts in any format cm knows, and merge them into the library.

Each post is matched with the registry (see matching.py). A match becomes the same source: its
id and links stay, its empty fields are filled, and it is archived if it was not. An archived
source keeps its text; only comments it lacks are added. So importing a file twice adds nothing.
Two different posts are never merged silently: a post that would match a source another post of
the same import already claimed, under another title, is kept apart under its own id, and a
warning says so; the same post twice (same title) is merged, with a warning too.
Archive files are written before outline.yaml, so that an interrupted import never leaves the
registry naming an archive that is not there.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from clientmilitant.core import model
from clientmilitant.core.dates import normalize_date
from clientmilitant.core.errors import CmError
from clientmilitant.core.posts import Comment, Post, Skipped
from clientmilitant.core.text import fold
from clientmilitant.core.urls import netloc
from clientmilitant.services.sources.matching import Index, title_key
from clientmilitant.services.sources.posts import ReadOptions
from clientmilitant.services.sources.reading import FORMAT_NAMES, TEXT, read_posts, title_untitled
from clientmilitant.services.sources.settle import first_line_key
from clientmilitant.storage.archive import Archive, archived_ids, read_archive, write_archives
from clientmilitant.storage.book import Book
from clientmilitant.storage.files import display_path

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
    status: str = ""  # draft, private… for a post imported with --drafts


@dataclass
class ImportReport:
    files: list[tuple[str, str, int]]  # (file, format name, posts found)
    rows: list[ImportRow] = field(default_factory=list)
    dry_run: bool = False
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(row.action != UNCHANGED for row in self.rows)

    def summary(self) -> dict:
        """The counts: imported (new), updated (merged or given comments), unchanged, skipped by reason."""
        actions = Counter(row.action for row in self.rows)
        return {
            "imported": actions[NEW],
            "updated": actions[MERGED] + actions[COMMENTS],
            "unchanged": actions[UNCHANGED],
            "skipped": dict(sorted(Counter(s.reason for s in self.skipped).items())),
        }


@dataclass(frozen=True)
class Defaults:
    """Values given on the command line for what a file does not say, and what to read."""

    title: str | None = None  # for a post that has no title line
    date: str | None = None
    author: str | None = None
    site: str | None = None
    drafts: bool = False  # drafts, private, pending and scheduled posts too, marked with their status
    pages: bool = False  # WordPress pages too
    lenient: bool = False  # what the parser recovers of an ill-formed feed, with a warning


Progress = Callable[[str, int, int], None]  # (stage, done, total)


class Archives:
    """The book's archives, each read at most once per import."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.ids = archived_ids(book)
        self._read: dict[str, Archive | None] = {}
        self.first_lines: dict[str, str] = {}  # first line → id, of the archives titled from their first words

    def get(self, source_id: str) -> Archive | None:
        if source_id not in self.ids:
            return None
        if source_id not in self._read:
            self._read[source_id] = read_archive(self.book, source_id)
        return self._read[source_id]

    def title(self, source_id: str) -> str | None:
        archive = self.get(source_id)
        return None if archive is None else archive.meta.get("title", "")

    def known_posts(self) -> list[Post]:
        """The archived posts, as posts: what an untitled post in a dump can be recognised as."""
        known = []
        for source_id in sorted(self.ids):
            archive = self.get(source_id)
            if archive is not None:
                meta = archive.meta
                made_up = meta.get("title_from") == "first words"
                known.append(Post(meta.get("title", ""), meta.get("date", ""), archive.text, source_id,
                                  meta.get("author", ""), meta.get("url", ""), meta.get("site", ""),
                                  titled_from_text=made_up))  # fmt: skip
                if made_up:
                    self.first_lines.setdefault(first_line_key(archive.text), source_id)
        return known


# --- reading files ----------------------------------------------------------------------------


def gather(book: Book, archives: Archives, paths: list[Path], defaults: Defaults, progress: Progress | None = None):
    """Every post of every file, settled: titled, split from its comments, defaults applied."""
    from clientmilitant.services.sources.settle import index_first_lines, settle

    files, posts, skipped, warnings = [], [], [], []
    book.load()  # a broken outline.yaml is refused before any file is read
    known: dict[str, Post] | None = None  # first line → post: archived posts, then earlier files' posts
    options = ReadOptions(defaults.drafts, defaults.pages, defaults.lenient, progress)
    for path in paths:
        kind, found = read_posts(path, options)
        if kind == TEXT:
            if known is None:
                known = {}
                index_first_lines(archives.known_posts(), known)
                index_first_lines(posts, known)
            for post in found.posts:
                settle(post, known)
            _title_from_options(found.posts, defaults)
        title_untitled(found)
        posts += found.posts
        if known is not None:
            index_first_lines(found.posts, known)
        skipped += found.skipped
        warnings += found.warnings
        files.append((display_path(path), FORMAT_NAMES[kind], len(found.posts)))
    for post in posts:
        post.author = post.author or (defaults.author or "")
        post.site = post.site or (defaults.site or "") or netloc(post.url)
    return files, posts, skipped, warnings


def _title_from_options(posts: list[Post], defaults: Defaults) -> None:
    untitled = [post for post in posts if not post.title]
    if not defaults.title:
        return
    if len(untitled) > 1:
        raise CmError(
            f"{untitled[0].where}: --title names one post, but {len(untitled)} posts of this file have no title",
            "import them one file at a time with --title and --date",
        )
    if untitled:
        untitled[0].title = " ".join(defaults.title.split())
        untitled[0].date = untitled[0].date or normalize_date(defaults.date or "")[:10]


def _counter(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)


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
            "date": source.date or post.date, "site": source.site or post.site, "status": post.status,
            "categories": ", ".join(post.categories), "tags": ", ".join(post.tags),
            "imported_from": origin}  # fmt: skip
    if post.titled_from_text:
        meta["title_from"] = "first words"
    return Archive(source.id, meta, post.text, list(post.comments))


class _Plan:
    """One import's changes to the registry, post by post."""

    def __init__(self, archives: Archives, outline: model.Outline) -> None:
        self.archives, self.outline = archives, outline
        self.index = Index(outline.sources, archives.title)
        registered = {s.id for s in outline.sources}
        self.orphans = [self._orphan(i) for i in sorted(archives.ids - registered)]
        self.orphan_index = Index([s for s in self.orphans if s is not None], lambda _: None)
        self.taken = registered | archives.ids
        self.pending: dict[str, Archive] = {}
        self.claimed: dict[int, Post] = {}  # id(source) → the post of this import that matched it
        self.rows: list[ImportRow] = []
        self.warnings: list[str] = []

    def _orphan(self, source_id: str) -> model.Source | None:
        archive = self.archives.get(source_id)
        if archive is None:
            return None
        return model.Source(source_id, *(archive.meta.get(k, "") for k in ("url", "title", "author", "date", "site")))

    def find(self, post: Post) -> tuple[model.Source, str] | bool:
        """The source `post` is and how it was found; else whether it was kept apart from a claimed one."""
        kept_apart = None
        for source, how in self._candidates(post):
            other = self.claimed.get(id(source))
            if other is None or not (source.title or post.title) or title_key(other.title) == title_key(post.title):
                if other is not None:
                    self.warnings.append(f"{post.where}: the same post as {other.where} (same {how}): merged")
                return source, how
            kept_apart = kept_apart or (other, how)
        if kept_apart is not None:
            other, how = kept_apart
            self.warnings.append(
                f"{post.where}: « {post.title} » shares its {'link' if how == 'url' else how} with « {other.title} » "
                f"({other.where}): kept as two sources"
            )
        return kept_apart is not None

    def _candidates(self, post: Post):
        """The sources `post` may be, best first, each looked up only when the ones before did not do."""
        yield from ((s, "url") for s in self.index.url_candidates(post))
        yield from ((s, "title+date") for s in self.index.by_title_and_date(post))
        if (slug := self.index.by_slug(post)) is not None:
            yield slug, "url slug"
        made_up = self.archives.first_lines.get(first_line_key(post.text)) if self.archives.first_lines else None
        if made_up is not None:
            yield from ((s, "first words") for s in self.outline.sources if s.id == made_up)  # rare: no index

    def add(self, post: Post) -> None:
        origin = post.where.split("/")[-1]
        match = self.find(post)
        registered = isinstance(match, tuple)
        if match is False and (adopted := self._adopt(post)) is not None:
            match = (adopted, "archive")  # an archive the registry lost (`cm undo` after an import)
        if not isinstance(match, tuple):
            source = model.Source(
                id=model.unique_id(model.slugify(post.title or "source"), self.taken),
                url=post.url, title=post.title, author=post.author, date=post.date, site=post.site,
            )  # fmt: skip
            self.taken.add(source.id)
            self.outline.sources.append(source)
            self.index.add(source)
            self.claimed[id(source)] = post
            self.pending[source.id] = _archive_for(source, post, origin)
            self.rows.append(_row(NEW, source, post, len(post.comments), len(post.comments), ""))
            return
        source, matched_by = match
        self.claimed.setdefault(id(source), post)
        before = dataclasses.replace(source)
        _fill(source, post)
        self.index.add(source)
        changed = not registered or source != before  # noqa: F841 (set again below when retitled)
        existing = self.pending.get(source.id) or self.archives.get(source.id)
        if matched_by == "first words" and post.title and not post.titled_from_text and existing is not None:
            source.title, changed = post.title, True  # the title made from its first words gives way
            existing.meta["title"], existing.meta["date"] = post.title, source.date
            existing.meta.pop("title_from", None)
            self.pending[source.id] = existing
        if existing is None:
            self.pending[source.id] = _archive_for(source, post, origin)
            self.rows.append(_row(MERGED, source, post, len(post.comments), len(post.comments), matched_by))
            return
        known = {_comment_key(c) for c in existing.comments}
        new_comments = [c for c in post.comments if _comment_key(c) not in known]
        if new_comments:
            existing.comments = sorted(existing.comments + new_comments, key=lambda c: c.date)
            self.pending[source.id] = existing
        action = COMMENTS if new_comments else MERGED if changed else UNCHANGED
        self.rows.append(_row(action, source, post, len(existing.comments), len(new_comments), matched_by))

    def _adopt(self, post: Post) -> model.Source | None:
        found = self.orphan_index.url_candidates(post) or self.orphan_index.by_title_and_date(post)
        source = found[0] if found else self.orphan_index.by_slug(post)
        if source is None:
            return None
        self.orphan_index.remove(source)
        self.outline.sources.append(source)
        self.index.add(source)
        return source


def _row(action: str, source: model.Source, post: Post, comments: int, added: int, matched_by: str) -> ImportRow:
    return ImportRow(action, source.id, source.title or post.title, source.date or post.date,
                     source.author or post.author, comments, added, post.where, matched_by, post.status)  # fmt: skip


def plan_import(
    archives: Archives, outline: model.Outline, posts: list[Post]
) -> tuple[list[ImportRow], list[Archive], list[str]]:
    """Change `outline` (the registry) for these posts; return the rows, the archives to write, warnings."""
    plan = _Plan(archives, outline)
    for post in posts:
        plan.add(post)
    return plan.rows, list(plan.pending.values()), plan.warnings


def import_files(
    book: Book, paths: list[Path], dry_run: bool = False, defaults: Defaults = Defaults(),
    progress: Progress | None = None,
) -> ImportReport:  # fmt: skip
    """Import the posts of `paths` into the book's library (or, with dry_run, only say what would be)."""
    archives = Archives(book)
    files, posts, skipped, warnings = gather(book, archives, paths, defaults, progress)
    rows, _, merge_warnings = plan_import(archives, book.load(), posts)
    report = ImportReport(files, rows, dry_run, skipped, warnings + merge_warnings)
    if dry_run or not report.changed:
        return report
    names = " ".join(Path(p).name for p in paths)
    book.folder("sources")  # checked before the lock: a refusal creates nothing
    with book.edit(f"source import {names}") as change:
        first_lines = archives.first_lines
        archives = Archives(book)  # again: the outline and the archives may have changed meanwhile
        archives.first_lines = first_lines
        rows, written, merge_warnings = plan_import(archives, change.outline, posts)
        change.saved = book.serialize(change.outline)  # an outline cm could not read back: refused before any archive
        write_archives(book, written, _counter(progress, "writing"))
    report.rows, report.warnings = rows, warnings + merge_warnings
    return report
