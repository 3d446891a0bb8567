"""Chapter files: `chapters/<id>.md`, named by the section's stable id, and `removed/` for set-aside text."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from clientmilitant.core import model
from clientmilitant.core.errors import BookError, CmError
from clientmilitant.storage.files import display_path, inside
from clientmilitant.storage.history import FileMove

if TYPE_CHECKING:
    from clientmilitant.storage.book import Book


def chapter_path(book: Book, section_id: str) -> Path:
    if not model.is_valid_id(section_id):
        raise CmError(f"'{section_id}' is not a valid section id")
    return book.chapters_dir / f"{section_id}.md"


def chapter_files(book: Book) -> dict[str, Path]:
    """The chapter files on disk, by the id their name gives (one listing, no per-section stat)."""
    try:
        scan = os.scandir(book.chapters_dir)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    with scan:
        return {e.name[:-3]: Path(e.path) for e in scan if e.name.endswith(".md") and not e.name.startswith(".")}


def read_text(book: Book, path: Path, what: str = "the file") -> str:
    """A text file of the book, refusing links that lead outside it and bytes that are not UTF-8."""
    real = inside(book.root, path, what)
    if real.exists() and not real.is_file():  # a folder, or a FIFO that would block the read forever
        raise BookError(f"{display_path(path)}: {what} is not a regular file")
    try:
        data = real.read_bytes()
    except OSError as error:
        raise BookError(f"{display_path(path)}: cannot read: {error.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BookError(f"{display_path(path)}:{line}: not UTF-8; save it as UTF-8") from None


def chapter_text(book: Book, section_id: str) -> str | None:
    path = chapter_path(book, section_id)
    if not path.exists() and not path.is_symlink():
        return None
    return read_text(book, path, "this chapter")


def set_aside(book: Book, section_ids: list[str]) -> tuple[FileMove, ...]:
    """Where the chapter files of removed sections go in removed/ (never deleting a word); the change
    that lists them moves them when it commits (Book.commit, journal.py)."""
    moves = []
    for section_id in section_ids:
        path = chapter_path(book, section_id)
        if not path.exists():
            continue
        inside(book.root, path, "this chapter")  # never pull a file in from outside the book
        book.folder("removed")  # nor push one out
        target = book.removed_dir / f"{section_id}.md"
        n = 2
        while target.exists():
            target = book.removed_dir / f"{section_id}-{n}.md"
            n += 1
        moves.append(FileMove(str(path.relative_to(book.root)), str(target.relative_to(book.root))))
    return tuple(moves)
