"""Archived posts: `sources/<id>.md`, a YAML front matter (metadata and reader comments) and the
post's Markdown body.

    ---
    title: Le client militant : le plan
    date: '2007-12-31'
    comments:
    - author: xgc
      date: '2008-01-06T14:22'
      text: Bonjour, …
    ---
    Comme promis, voici le fil conducteur…

A source is archived exactly when its file exists. Files are written atomically; reading is
strict and names the file and line of what is wrong. The front matter is read with YAML's base
loader, so every value stays the text that was written (`2007-12-13` is never a date object).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientmilitant.core import model
from clientmilitant.core.errors import BookError
from clientmilitant.core.posts import Comment
from clientmilitant.storage.files import atomic_write, display_path, inside

if TYPE_CHECKING:
    from clientmilitant.storage.book import Book

META_KEYS = ("title", "url", "author", "date", "site", "status", "categories", "tags", "imported_from")
COMMENT_EXTRAS = ("url", "ref", "parent")  # a comment's optional keys: the commenter's site, its thread
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


@dataclass
class Archive:
    """An archived post: its id, its front matter, its Markdown text and its comments."""

    source_id: str
    meta: dict  # the front matter (title, url, author, date, site, …), comments excepted
    text: str  # the post's Markdown body, without comments
    comments: list[Comment] = field(default_factory=list)


def archive_path(book: Book, source_id: str) -> Path:
    if not model.is_valid_id(source_id):
        raise BookError(f"'{source_id}' is not a valid source id")
    return book.sources_dir / f"{source_id}.md"


def archived_ids(book: Book) -> set[str]:
    """The ids of the archived sources: one folder listing, no file opened."""
    try:
        return {
            p.stem for p in book.sources_dir.glob("*.md") if not p.name.startswith(".") and model.is_valid_id(p.stem)
        }
    except OSError:
        return set()


def read_archive(book: Book, source_id: str) -> Archive | None:
    """The archived post, or None when the source is not archived."""
    path = archive_path(book, source_id)
    if not path.exists() and not path.is_symlink():
        return None
    return parse_archive(source_id, book.read_text(path, "this archived post"), display_path(path))


def write_archive(book: Book, archive: Archive) -> Path:
    path = archive_path(book, archive.source_id)
    book.folder("sources")
    inside(book.sources_dir, path, "this archived post")
    atomic_write(path, render_archive(archive))
    return path


def write_archives(book: Book, archives: list[Archive], progress=None) -> None:
    """Write many archives (an import): each atomically, then all made durable by one `os.sync()`
    rather than two fsyncs each (2,000 fsyncs took 20 s on a busy disk). The caller writes
    outline.yaml after this returns, so that the registry never names an archive a power cut lost.
    `progress(done, total)` is told every 50 files."""
    if archives:
        book.folder("sources")  # never written through a link leading out of the book
    for number, archive in enumerate(archives, start=1):
        atomic_write(archive_path(book, archive.source_id), render_archive(archive), durable=len(archives) == 1)
        if progress is not None and number % 50 == 0:
            progress(number, len(archives))
    if len(archives) > 1:
        os.sync()


def render_archive(archive: Archive) -> str:
    """The file's text: front matter (known keys first, empty ones left out), then the body."""
    import yaml

    meta: dict[str, Any] = {key: archive.meta[key] for key in META_KEYS if archive.meta.get(key)}
    meta.update({k: v for k, v in archive.meta.items() if k not in META_KEYS and k != "comments" and v})
    if archive.comments:
        meta["comments"] = [_comment_data(c) for c in archive.comments]
    front = yaml.dump(meta, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    body = archive.text.strip("\n")
    return f"---\n{front}---\n\n{body}\n" if body else f"---\n{front}---\n"


def _comment_data(comment: Comment) -> dict[str, str]:
    data = {"author": comment.author, "date": comment.date}
    data.update({key: value for key in COMMENT_EXTRAS if (value := getattr(comment, key))})
    data["text"] = comment.text
    return data


def _dumper():
    """A safe dumper that writes multi-line text (comments) as `|` blocks, readable in an editor."""
    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):  # type: ignore[misc, valid-type]
        pass

    def text(dumper, value: str):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper


def parse_archive(source_id: str, text: str, filename: str) -> Archive:
    """Split and check an archive file's text; BookError with `filename:line` on anything odd."""
    import yaml

    match = _FRONT_MATTER.match(text)
    if not match:
        return Archive(source_id, {}, text.strip("\n"), [])
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    try:
        data = yaml.load(match.group(1) or "", Loader=loader)
    except yaml.MarkedYAMLError as error:
        mark = error.context_mark or error.problem_mark  # where the broken construct starts
        line = mark.line + 2 if mark else 2  # +1 for the opening ---, +1 as lines count from 1
        raise BookError(
            f"{filename}:{line}: front matter is not valid YAML: {error.problem or error.context}"
        ) from None
    except yaml.YAMLError as error:
        raise BookError(f"{filename}: front matter is not valid YAML: {error}") from None
    if data is None or data == "":
        data = {}
    if not isinstance(data, dict):
        raise BookError(f"{filename}:2: the front matter must be keys and values (title: …)")
    comments = _comments(data.pop("comments", []) or [], filename)
    for key, value in data.items():
        if not isinstance(value, str):
            raise BookError(f"{filename}: front matter key '{key}' must be text")
    return Archive(source_id, data, text[match.end() :].strip("\n"), comments)


def _comments(items: Any, filename: str) -> list[Comment]:
    if not isinstance(items, list):
        raise BookError(f"{filename}: 'comments' in the front matter must be a list")
    comments = []
    for number, item in enumerate(items, start=1):
        keys = ("author", "date", "text", *COMMENT_EXTRAS)
        if not isinstance(item, dict) or not all(isinstance(item.get(k, ""), str) for k in keys):
            raise BookError(f"{filename}: comment {number} must have text values author, date and text")
        comments.append(Comment(*(item.get(k, "") for k in keys)))
    return comments
