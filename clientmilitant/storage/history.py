"""The undo history: the versions of outline.yaml from before cm's changes, in `.cm/history/`.

Each entry is `NNNNNN.yaml` (the old file, hard-linked: no copy), `NNNNNN.json` (the action, its
time, the files the change moved and the files it wrote, so that `cm undo` can put them back) and
`NNNNNN-I.bak` (the previous bytes of a file the change wrote). The last 20 are kept.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from clientmilitant.core.errors import NotFound, Refused
from clientmilitant.storage.files import atomic_write, digest, inside

if TYPE_CHECKING:
    from clientmilitant.storage.book import Book

HISTORY_KEEP = 20
NOTHING_TO_UNDO = "nothing to undo: cm keeps the versions from before its own changes only"


@dataclass(frozen=True)
class FileMove:
    """A file cm moved as part of a change, so that `cm undo` can move it back."""

    source: str  # relative to the book's root
    target: str


@dataclass(frozen=True)
class FileWrite:
    """A file a change wrote (a seeded chapter), so that `cm undo` can put back what was there."""

    path: str  # relative to the book's root
    saved: str | None  # the file in .cm/history/ holding its previous bytes; None: it did not exist
    written: str  # SHA-256 of the bytes written: undo refuses when the file changed since


@dataclass(frozen=True)
class HistoryEntry:
    """One saved version of outline.yaml, from before a change."""

    path: Path
    action: str
    time: float
    moves: tuple[FileMove, ...]
    files: tuple[FileWrite, ...] = ()


def remember(book: Book, action: str, moves: tuple[FileMove, ...], writes: dict[str, str]) -> None:
    """Keep the current outline.yaml, and the files about to be written, as the newest entry; call
    with the lock held, before replacing them."""
    inside(book.root, book.history_dir, "the .cm/history folder")
    book.history_dir.mkdir(parents=True, exist_ok=True)
    book.ignore_state_dir()
    entries = history(book)
    number = int(entries[-1].path.stem) + 1 if entries else 1
    snapshot = book.history_dir / f"{number:06d}.yaml"
    real = os.path.realpath(book.outline_path)
    try:
        os.link(real, snapshot)  # the old inode survives the os.replace that follows: no copy
    except OSError:
        atomic_write(snapshot, Path(real).read_bytes())
    files = []
    for index, (relative, text) in enumerate(writes.items()):
        saved = None
        current = book.root / relative
        if current.exists():
            saved = f"{number:06d}-{index}.bak"
            atomic_write(book.history_dir / saved, current.read_bytes())
        files.append(FileWrite(relative, saved, digest(text.encode("utf-8"))))
    meta = {
        "action": action,
        "time": time.time(),
        "moves": [m.__dict__ for m in moves],
        "files": [f.__dict__ for f in files],
    }
    atomic_write(snapshot.with_suffix(".json"), json.dumps(meta, ensure_ascii=False))
    for old in entries[: max(0, len(entries) + 1 - HISTORY_KEEP)]:
        _forget(book, old)


def _forget(book: Book, entry: HistoryEntry) -> None:
    entry.path.unlink(missing_ok=True)
    entry.path.with_suffix(".json").unlink(missing_ok=True)
    for written in entry.files:
        if written.saved:
            (book.history_dir / written.saved).unlink(missing_ok=True)


def history(book: Book) -> list[HistoryEntry]:
    """The kept versions, oldest first."""
    inside(book.root, book.history_dir, "the .cm/history folder")
    if not book.history_dir.is_dir():
        return []
    entries = []
    for path in sorted(book.history_dir.glob("[0-9]*.yaml")):
        try:
            meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        moves = tuple(FileMove(**m) for m in meta.get("moves", []))
        files = tuple(FileWrite(**f) for f in meta.get("files", []))
        when = meta.get("time", path.stat().st_mtime)
        entries.append(HistoryEntry(path, meta.get("action", "?"), when, moves, files))
    return entries


def undo(book: Book) -> HistoryEntry:
    """Put back the outline as it was before the last change, and the files that change moved."""
    book.read_bytes()  # a clear error when there is no book at all
    if not history(book):  # checked before the lock too, so that nothing is created
        raise NotFound(NOTHING_TO_UNDO)
    with book.lock():
        book.sweep_temp_files()
        entries = history(book)
        if not entries:
            raise NotFound(NOTHING_TO_UNDO)
        entry = entries[-1]
        data = entry.path.read_bytes()
        book.parse(data)
        _check_unchanged(book, entry)
        for written in entry.files:
            if written.saved:
                atomic_write(book.root / written.path, (book.history_dir / written.saved).read_bytes())
            else:
                (book.root / written.path).unlink(missing_ok=True)
        atomic_write(book.outline_path, data)
        for move in reversed(entry.moves):
            source, target = book.root / move.source, book.root / move.target
            if target.exists() and not source.exists():
                source.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, source)
        _forget(book, entry)
        return entry


def _check_unchanged(book: Book, entry: HistoryEntry) -> None:
    """Refuse to undo a change whose files were edited since: undo would lose those words."""
    for written in entry.files:
        path = inside(book.root, book.root / written.path, written.path)
        if path.exists() and digest(path.read_bytes()) != written.written:
            raise Refused(
                f"{written.path} changed since `{entry.action}`: undoing it would lose what you wrote there",
                "take the seeded text out by hand (it lies between its cm:seed markers)",
            )
