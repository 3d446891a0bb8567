"""`cm chapter seed REF`: start a chapter from the archived posts linked to its section.

Each post's Markdown is appended to `chapters/<id>.md`, after what is already there, between seed
markers (core/seeds.py) naming the post. The author's own posts (author unknown, or the book's
author) are seeded as his text; another author's post only with `quote=True`, as a block quote
with its attribution. Readers' comments come only with `comments=True`, each as a quote under a
`cm:comment` marker. The chapter write and the status change (idea → draft) are one step of the
undo history: `cm undo` takes the seeding back.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from clientmilitant.core import model, seeds
from clientmilitant.core.errors import NotFound, Refused
from clientmilitant.core.words import count_words
from clientmilitant.services.chapters import template
from clientmilitant.storage.archive import Archive, read_archive
from clientmilitant.storage.book import Book
from clientmilitant.storage.files import display_path, inside


@dataclass
class Seeding:
    """What a seeding added (or, dry, would add)."""

    number: str
    section_id: str
    path: str
    seeded: list[dict] = field(default_factory=list)  # {id, title, date, url, author, quote, words, comments}
    skipped: list[dict] = field(default_factory=list)  # {id, reason}
    text: str = ""  # the text appended
    created: bool = False
    drafted: bool = False
    dry_run: bool = False

    def data(self) -> dict:
        return dict(self.__dict__)


def same_person(a: str, b: str) -> bool:
    def key(name: str) -> str:
        folded = unicodedata.normalize("NFKD", name.casefold())
        return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())

    return key(a) == key(b)


def post_author(source: model.Source, archive: Archive) -> str:
    return (source.author or archive.meta.get("author", "")).strip()


def is_own(author: str, book_author: str) -> bool:
    """A post is the author's own when its author is unknown or is the book's author."""
    return not author or (bool(book_author) and same_person(author, book_author))


def block_quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.strip("\n").split("\n"))


def attribution(author: str, title: str, date: str, url: str) -> str:
    parts = [author or "?", f"« {title} »" if title else "", date, f"<{url}>" if url else ""]
    return "— " + ", ".join(p for p in parts if p)


def seeded_block(source: model.Source, archive: Archive, author: str, quote: bool, comments: bool) -> str:
    title = source.title or archive.meta.get("title", "") or source.id
    date = source.date or archive.meta.get("date", "")
    url = source.url or archive.meta.get("url", "")
    fields = [title, author, date, url] if quote else [title, date, url]
    body = archive.text.strip("\n")
    if quote:
        body = f"{block_quote(body)}\n>\n> {attribution(author, title, date, url)}"
    parts = [seeds.opening(source.id, fields, quote), "", body]
    if comments:
        for comment in archive.comments:
            parts += ["", seeds.comment_marker(source.id, comment.author, comment.date), ""]
            parts.append(f"{block_quote(comment.text)}\n>\n> — {comment.author or '?'}, {comment.date}")
    parts += ["", seeds.closing(source.id)]
    return "\n".join(parts) + "\n"


def chosen_sources(section: model.Section, outline: model.Outline, wanted: list[str] | None, by_date: bool):
    """The linked sources to seed: all (by date), or those named (in the order given, or by date)."""
    if wanted:
        for source_id in wanted:
            if source_id not in section.sources:
                model.find_source(outline, source_id)  # NotFound with a suggestion when it is no source at all
                raise Refused(
                    f"the source '{source_id}' is not linked to this section",
                    f"link it first: cm source link {source_id} {section.id}",
                )
        ids = list(dict.fromkeys(wanted))
    else:
        ids = list(section.sources)
    sources = [model.find_source(outline, source_id) for source_id in ids]
    if by_date or not wanted:
        sources.sort(key=lambda s: (not s.date, s.date))  # undated posts last, in the order of the plan
    return sources


def seed_chapter(
    book: Book,
    ref: str,
    source_ids: list[str] | None = None,
    by_date: bool = False,
    comments: bool = False,
    quote: bool = False,
    dry_run: bool = False,
) -> Seeding:
    """Append the posts to the chapter of REF; refuse (changing nothing) another author's post
    without `quote`, a named post that is not archived, a section without linked posts."""
    book.folder("chapters")  # checked before the lock: a refusal creates nothing
    with book.edit(f"chapter seed {ref}") as change:
        outline = change.outline
        located = model.find(outline, ref)
        section = located.section
        path = book.chapter_path(section.id)
        inside(book.chapters_dir, path, "this chapter")
        if not section.sources:
            raise NotFound(
                f"section {located.number} ({section.id}) has no linked source post",
                f"link one first: cm source link SOURCE_ID {located.number} (cm source suggest {located.number})",
            )
        existing = book.chapter_text(section.id)
        result = Seeding(located.number, section.id, display_path(path), created=existing is None, dry_run=dry_run)
        done = seeds.seeded_ids(existing or "")
        blocks = []
        for source in chosen_sources(section, outline, source_ids, by_date):
            block = _one(book, outline, source, done, result, bool(source_ids), quote, comments)
            if block:
                blocks.append(block)
        if not blocks:
            raise _Nothing(result)
        base = existing if existing is not None else template(outline, located)
        result.text = ("\n" if base and not base.endswith("\n\n") else "") + "\n".join(blocks)
        if section.effective_status == "idea":
            section.status = "draft"
            result.drafted = True
        if dry_run:
            raise _DryRun(result)
        change.write(path, base + result.text, book.root)
    return result


def _one(book, outline, source, done, result, named, quote, comments) -> str | None:
    if source.id in done:
        result.skipped.append({"id": source.id, "reason": "already seeded"})
        return None
    archive = read_archive(book, source.id)
    if archive is None:
        if named:
            raise NotFound(
                f"the source '{source.id}' is not archived: cm has only its address",
                f"archive its text first: cm source add {source.url or 'URL'} --file POST.md (or cm source import)",
            )
        result.skipped.append({"id": source.id, "reason": "not archived"})
        return None
    author = post_author(source, archive)
    own = is_own(author, outline.book.author)
    if not own and not quote:
        raise Refused(
            f"'{source.id}' is a post by {author}, not by the book's author",
            f"seed it as a quotation with its attribution: cm chapter seed {result.section_id} --source {source.id}"
            " --quote",
        )
    quote = quote and not own  # the author's own posts are his text, --quote or not
    block = seeded_block(source, archive, author, quote, comments)
    result.seeded.append(
        {
            "id": source.id,
            "title": source.title or archive.meta.get("title", ""),
            "author": author,
            "date": source.date or archive.meta.get("date", ""),
            "url": source.url or archive.meta.get("url", ""),
            "quote": quote,
            "words": count_words(block),
            "comments": len(archive.comments) if comments else 0,
        }
    )
    done.add(source.id)
    return block


class _DryRun(Exception):
    def __init__(self, result: Seeding) -> None:
        self.result = result


class _Nothing(_DryRun):
    pass


def seed(book: Book, ref: str, **options) -> Seeding:
    """seed_chapter, where a dry run or a seeding with nothing new changes nothing and leaves no undo step."""
    try:
        return seed_chapter(book, ref, **options)
    except _DryRun as stop:
        return stop.result
