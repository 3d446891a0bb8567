"""The undo history: the versions of outline.yaml from before cm's changes, in `.cm/history/`.

Each entry is `NNNNNN.yaml` (the old file, hard-linked: no copy), `NNNNNN.json` (the action, its
time, the files the change moved and the files it wrote, so that `cm undo` can put them back) and
`NNNNNN-I.bak` (the previous bytes of a file the change wrote). The last 20 are kept.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from clientmilitant.core.errors import BookError, NotFound, Refused
from clientmilitant.storage.files import atomic_write, digest, display_path, inside

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
    problem: str = ""  # why the entry cannot be trusted: `cm undo` refuses it


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
        forget(book, old)


def forget(book: Book, entry: HistoryEntry) -> None:
    entry.path.unlink(missing_ok=True)
    entry.path.with_suffix(".json").unlink(missing_ok=True)
    for written in entry.files:
        if written.saved:
            (book.history_dir / written.saved).unlink(missing_ok=True)


def history(book: Book) -> list[HistoryEntry]:
    """The kept versions, oldest first. An entry whose .json cm cannot trust (not JSON, an unknown
    shape, a path leaving the book) is listed with `problem` set: `cm undo` refuses it."""
    inside(book.root, book.history_dir, "the .cm/history folder")
    if not book.history_dir.is_dir():
        return []
    entries = []
    for path in sorted(book.history_dir.glob("[0-9]*.yaml")):
        if not path.stem.isdigit():
            continue
        try:
            action, when, moves, files = read_entry(json.loads(path.with_suffix(".json").read_bytes()))
        except (OSError, ValueError) as error:
            entries.append(HistoryEntry(path, "?", 0.0, (), (), problem=str(error) or "unreadable"))
            continue
        entries.append(HistoryEntry(path, action, when, moves, files))
    return entries


# The only paths cm writes in an entry: a chapter or an archived post set aside in removed/ (or a
# chapter put back from there by `cm check --sweep`), a chapter it seeded, the .bak file keeping
# that chapter's old bytes.
_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_MOVE_SOURCE = rf"(?:chapters|sources)/{_ID}\.md"
_MOVE_TARGET = rf"removed/(?:sources/)?{_ID}\.md"
_RESTORE = rf"removed/(?P<id>{_ID})\.md chapters/(?P=id)\.md"
_WRITTEN = rf"chapters/{_ID}\.md"
_SAVED = r"[0-9]{6}-[0-9]+\.bak"
_SHA256 = r"[0-9a-f]{64}"
_KEYS = ("action", "time", "moves")


def read_entry(meta: object) -> tuple[str, float, tuple[FileMove, ...], tuple[FileWrite, ...]]:
    """(action, time, moves, files) of a history entry's JSON, or ValueError saying what is wrong.

    .cm/ is a cache, not an authority: an entry is trusted only in the shape cm writes, so that no
    edited entry can make `cm undo` move or write a file outside the book, or the book's own files."""
    if not isinstance(meta, dict) or not set(_KEYS) <= set(meta) <= {*_KEYS, "files"}:
        raise ValueError("unknown keys")
    action, when = meta["action"], meta["time"]
    if not isinstance(action, str) or isinstance(when, bool) or not isinstance(when, (int, float)):
        raise ValueError("bad action or time")
    return action, float(when), read_moves(meta["moves"]), _read_files(meta.get("files", []))


def read_moves(moves: object) -> tuple[FileMove, ...]:
    if not isinstance(moves, list):
        raise ValueError("'moves' is not a list")
    checked = []
    for move in moves:
        if not isinstance(move, dict) or set(move) != {"source", "target"}:
            raise ValueError("a move is not {source, target}")
        source, target = move["source"], move["target"]
        if isinstance(source, str) and isinstance(target, str) and re.fullmatch(_RESTORE, f"{source} {target}"):
            checked.append(FileMove(source, target))  # `cm check --sweep` put set-aside text back
            continue
        if not (isinstance(source, str) and re.fullmatch(_MOVE_SOURCE, source)):
            raise ValueError(f"the move of {source!r} is not one cm makes")
        if not (isinstance(target, str) and re.fullmatch(_MOVE_TARGET, target)):
            raise ValueError(f"the move to {target!r} is not one cm makes")
        checked.append(FileMove(source, target))
    return tuple(checked)


def _read_files(files: object) -> tuple[FileWrite, ...]:
    if not isinstance(files, list):
        raise ValueError("'files' is not a list")
    checked = []
    for item in files:
        if not isinstance(item, dict) or set(item) != {"path", "saved", "written"}:
            raise ValueError("a written file is not {path, saved, written}")
        path, saved, written = item["path"], item["saved"], item["written"]
        if not (isinstance(path, str) and re.fullmatch(_WRITTEN, path)):
            raise ValueError(f"the file {path!r} is not one cm writes")
        if saved is not None and not (isinstance(saved, str) and re.fullmatch(_SAVED, saved)):
            raise ValueError(f"{saved!r} is not a file cm keeps")
        if not (isinstance(written, str) and re.fullmatch(_SHA256, written)):
            raise ValueError("'written' is not a SHA-256")
        checked.append(FileWrite(path, saved, written))
    return tuple(checked)


def undo(book: Book) -> HistoryEntry:
    """Put back the outline as it was before the last change, and the files that change moved or
    wrote; as one step with the journal (journal.py), as the change itself was."""
    from clientmilitant.storage import journal

    book.read_bytes()  # a clear error when there is no book at all
    if not history(book):  # checked before the lock too, so that nothing is created
        raise NotFound(NOTHING_TO_UNDO)
    with book.lock():
        current = book.settle()
        entries = history(book)
        if not entries:
            raise NotFound(NOTHING_TO_UNDO)
        entry = entries[-1]
        _check_trusted(entry)
        data = entry.path.read_bytes()
        book.parse(data)
        _check_unchanged(book, entry)
        for folder in {path.split("/")[0] for move in entry.moves for path in (move.source, move.target)}:
            book.folder(folder)  # a link leading out of the book is never moved through
        if entry.moves:
            journal.begin(book, digest(current), entry.moves, back=entry.path.stem)
            journal.move_back(book, entry.moves)
        for written in entry.files:
            if written.saved:
                atomic_write(book.root / written.path, (book.history_dir / written.saved).read_bytes())
            else:
                (book.root / written.path).unlink(missing_ok=True)
        atomic_write(book.outline_path, data)
        forget(book, entry)
        journal.end(book)
        return entry


def _check_trusted(entry: HistoryEntry) -> None:
    if entry.problem:
        json_file = display_path(entry.path.with_suffix(".json"))
        raise BookError(
            f"{json_file}: not a history entry cm can trust ({entry.problem}); cm undo will not use it",
            f"remove {display_path(entry.path)} and {json_file} to undo the change before it",
        )


def _check_unchanged(book: Book, entry: HistoryEntry) -> None:
    """Refuse to undo a change whose files were edited since: undo would lose those words."""
    for written in entry.files:
        path = inside(book.root, book.root / written.path, written.path)
        if path.exists() and digest(path.read_bytes()) != written.written:
            raise Refused(
                f"{written.path} changed since `{entry.action}`: undoing it would lose what you wrote there",
                "take the seeded text out by hand (it lies between its cm:seed markers)",
            )
