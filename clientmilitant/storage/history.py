"""The undo history: the versions of outline.yaml from before cm's changes, in `.cm/history/`.

Each entry is `NNNNNN.yaml` (the old file, hard-linked: no copy) and `NNNNNN.json` (the action, its
time and the files the change moved, so that `cm undo` can move them back). The last 20 are kept.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from clientmilitant.core.errors import NotFound
from clientmilitant.storage.files import atomic_write, inside

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
class HistoryEntry:
    """One saved version of outline.yaml, from before a change."""

    path: Path
    action: str
    time: float
    moves: tuple[FileMove, ...]


def remember(book: Book, action: str, moves: tuple[FileMove, ...]) -> None:
    """Keep the current outline.yaml as the newest entry; call with the lock held, before replacing it."""
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
    meta = {"action": action, "time": time.time(), "moves": [m.__dict__ for m in moves]}
    atomic_write(snapshot.with_suffix(".json"), json.dumps(meta, ensure_ascii=False))
    for old in entries[: max(0, len(entries) + 1 - HISTORY_KEEP)]:
        old.path.unlink(missing_ok=True)
        old.path.with_suffix(".json").unlink(missing_ok=True)


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
        entries.append(HistoryEntry(path, meta.get("action", "?"), meta.get("time", path.stat().st_mtime), moves))
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
        atomic_write(book.outline_path, data)
        for move in reversed(entry.moves):
            source, target = book.root / move.source, book.root / move.target
            if target.exists() and not source.exists():
                source.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, source)
        entry.path.unlink()
        entry.path.with_suffix(".json").unlink(missing_ok=True)
        return entry
