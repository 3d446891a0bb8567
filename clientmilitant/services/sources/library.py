"""The library of source posts: the registry in outline.yaml, the archives in sources/, the links.

Services: they return plain data (the JSON shapes of `cm source list/show --json`) or the model
objects they changed, and never print.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from clientmilitant.core import model, urls
from clientmilitant.core.dates import normalize_date
from clientmilitant.core.errors import BookError, CmError, NotFound, Refused
from clientmilitant.core.urls import is_web, normalize_url, url_slug
from clientmilitant.storage.archive import Archive, archive_path, archived_ids, read_archive, write_archive
from clientmilitant.storage.book import Book, FileMove
from clientmilitant.storage.files import display_path, inside

SCHEMA_VERSION = 1


# --- reading ------------------------------------------------------------------------------------


def _section_refs(outline: model.Outline, source_id: str) -> list[dict[str, str]]:
    return [
        {"number": located.number, "id": located.section.id, "title": located.section.title}
        for located in model.sections_citing(outline, source_id)
    ]


def source_data(outline: model.Outline, source: model.Source, archived: set[str]) -> dict[str, Any]:
    """One source as JSON-ready data: its registry fields, whether it is archived, where it is linked."""
    return {**asdict(source), "archived": source.id in archived, "sections": _section_refs(outline, source.id)}


def list_sources(book: Book, section: str | None = None, unlinked: bool = False) -> dict[str, Any]:
    """The registry as data, optionally only the sources of one section, or only those linked nowhere."""
    outline = book.load()
    archived = archived_ids(book)
    sources = outline.sources
    if section is not None:
        wanted = set(model.find(outline, section).section.sources)
        sources = [s for s in sources if s.id in wanted]
    rows = [source_data(outline, s, archived) for s in sources]
    if unlinked:
        rows = [row for row in rows if not row["sections"]]
    return {"version": SCHEMA_VERSION, "sources": rows}


def show_source(book: Book, source_id: str) -> dict[str, Any]:
    """A source with its archived text and comments (`text` is null when it is not archived)."""
    outline = book.load()
    source = model.find_source(outline, source_id)
    archive = read_archive(book, source_id)
    data = source_data(outline, source, {source_id} if archive else set())
    data["file"] = f"sources/{source_id}.md" if archive else None
    data["text"] = archive.text if archive else None
    data["comments"] = [asdict(c) for c in archive.comments] if archive else []
    return data


# --- changing -----------------------------------------------------------------------------------


def _default_id(title: str, url: str) -> str:
    if title:
        return model.slugify(title)
    found = url_slug(url) if url else None
    if found:
        return model.slugify(found[1])
    path = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].split(".")[0] if url else ""
    return model.slugify(path) if path else "source"


def read_post_file(path: Path) -> str:
    """A post's text from a file: Markdown or plain text as it is; HTML converted (sources/markdown.py)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{display_path(path)}: no such file") from None
    except OSError as error:
        raise BookError(f"{display_path(path)}: cannot read: {error.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BookError(f"{display_path(path)}:{line}: not UTF-8; save it as UTF-8") from None
    if path.suffix.lower() in (".html", ".htm"):
        from clientmilitant.services.sources.markdown import html_to_markdown

        return html_to_markdown([text])[0]
    return text.strip("\n")


def add_source(
    book: Book,
    url: str = "",
    file: Path | None = None,
    title: str = "",
    author: str = "",
    date: str = "",
    site: str = "",
    links: list[str] | None = None,
    source_id: str | None = None,
) -> tuple[model.Source, bool, list[model.Located]]:
    """Register a source (archived when --file gives its text) and link it to sections."""
    url, title = url.strip(), " ".join(title.split())
    if not (url or title or file):
        raise CmError("give the post's URL, its --title or its --file")
    if url and not is_web(url):
        raise CmError(f"'{url}' is not a web address", "give a URL starting with http:// or https://")
    date = normalize_date(date)
    text = read_post_file(file) if file is not None else None
    book.folder("sources")  # checked before the lock: a refusal creates nothing
    with book.edit(f"source add {url or title or file}") as change:
        outline = change.outline
        if url:
            for other in outline.sources:
                if other.url and normalize_url(other.url) == normalize_url(url):
                    raise Refused(f"{url} is already registered as '{other.id}'", f"see `cm source show {other.id}`")
        taken = {s.id for s in outline.sources} | archived_ids(book)
        if source_id is None:
            source_id = model.unique_id(_default_id(title, url), taken)
        else:
            model.check_new_id(source_id, taken, "source")
        source = model.Source(source_id, url, title, author.strip(), date, site.strip() or urls.site(url))
        outline.sources.append(source)
        linked = [model.link_source(outline, source_id, ref)[0] for ref in links or []]
        if text is not None:
            meta = {k: v for k, v in asdict(source).items() if k != "id"}
            meta["imported_from"] = file.name if file is not None else ""
            write_archive(book, Archive(source_id, meta, text, []))
    return source, text is not None, linked


def link_sections(book: Book, source_id: str, refs: list[str]) -> list[tuple[model.Located, bool]]:
    """Link a source to sections; each result says whether the link is new."""
    with book.edit(f"source link {source_id}") as change:
        return [model.link_source(change.outline, source_id, ref) for ref in refs]


def unlink_sections(book: Book, source_id: str, refs: list[str]) -> list[model.Located]:
    """Take a source off sections; refused (nothing changed) if it is not linked to one of them."""
    with book.edit(f"source unlink {source_id}") as change:
        outline = change.outline
        model.find_source(outline, source_id)
        sections = [model.find(outline, ref) for ref in refs]
        for located in sections:
            if source_id not in located.section.sources:
                where = ", ".join(x.number for x in model.sections_citing(outline, source_id)) or "no section"
                raise NotFound(
                    f"source '{source_id}' is not linked to section {located.number}; it is linked to {where}"
                )
        for located in sections:
            if source_id in located.section.sources:  # a section named twice is unlinked once
                located.section.sources.remove(source_id)
        return sections


def remove_source(
    book: Book, source_id: str, force: bool = False
) -> tuple[model.Source, list[model.Located], FileMove | None]:
    """Take a source out of the registry; refused while sections link it, unless `force`.

    Its archive is never deleted: it moves to removed/sources/, and `cm undo` brings it back."""
    book.folder("sources")
    book.folder("removed")
    with book.edit(f"source remove {source_id}") as change:
        outline = change.outline
        source = model.find_source(outline, source_id)
        citing = model.sections_citing(outline, source_id)
        if citing and not force:
            numbers = ", ".join(located.number for located in citing)
            raise Refused(f"source '{source_id}' is linked to section {numbers}", "unlink it first, or use --force")
        for located in citing:
            located.section.sources.remove(source_id)
        outline.sources.remove(source)
        move = _aside_move(book, source_id)
        if move is not None:
            change.moves.append(move)  # moved with the commit, as one step (storage/journal.py)
    return source, citing, move


def _aside_move(book: Book, source_id: str) -> FileMove | None:
    """Where a removed source's archive goes: removed/sources/<id>.md (or -2, -3… if taken)."""
    path = archive_path(book, source_id)
    if not path.exists():
        return None
    book.folder("sources")  # never pull a file in from outside the book, nor push one out
    book.folder("removed")
    inside(book.sources_dir, path, "this archived post")
    folder = book.removed_dir / "sources"
    target, n = folder / f"{source_id}.md", 2
    while target.exists():
        target, n = folder / f"{source_id}-{n}.md", n + 1
    return FileMove(str(path.relative_to(book.root)), str(target.relative_to(book.root)))
