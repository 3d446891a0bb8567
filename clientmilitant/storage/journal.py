"""A change that moves files and rewrites outline.yaml as one step a kill cannot split.

`cm section remove --force` moves a chapter to removed/ and takes its section out of the outline;
`cm source remove --force` does the same with an archived post. Killed between the two, the book
used to keep the section without its text (and no undo entry). Now, under the book's lock:

  1. intent: .cm/pending.json says which files move, and the SHA-256 of outline.yaml before;
  2. the files move;
  3. commit: outline.yaml is replaced (its old version goes to the history, with the moves);
  4. .cm/pending.json is removed.

The next command that takes the lock finds a pending.json left by a kill and settles it: if
outline.yaml is still the one from before, the change never happened and the files move back
(a history entry the killed save had already written is dropped); otherwise it was committed and
only the journal goes. `cm check` reports a pending change until then.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from clientmilitant.storage.files import atomic_write, digest
from clientmilitant.storage.history import FileMove, read_moves

if TYPE_CHECKING:
    from clientmilitant.storage.book import Book

JOURNAL_NAME = "pending.json"


def journal_path(book: Book) -> Path:
    return book.state_dir / JOURNAL_NAME


def begin(book: Book, before: str, moves: tuple[FileMove, ...], back: str = "") -> None:
    """Write the intent (durably) before any file moves. `back` names the history entry that
    `cm undo` is putting back (its moves then go from removed/ to where they came from)."""
    intent = {"before": before, "moves": [{"source": m.source, "target": m.target} for m in moves], "back": back}
    atomic_write(journal_path(book), json.dumps(intent))


def perform(book: Book, moves: tuple[FileMove, ...]) -> list[FileMove]:
    """Move the files (a move already done, by a run killed after it, is skipped); the moves made."""
    return [move for move in moves if _move(book.root / move.source, book.root / move.target)]


def move_back(book: Book, moves: tuple[FileMove, ...]) -> list[FileMove]:
    """Undo `perform`: each file goes back where it came from; the moves made (source → target)."""
    back = [FileMove(move.target, move.source) for move in reversed(moves)]
    return [move for move in back if _move(book.root / move.source, book.root / move.target)]


def _move(source: Path, target: Path) -> bool:
    if source.exists() and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        return True
    return False


def end(book: Book) -> None:
    with contextlib.suppress(FileNotFoundError):
        journal_path(book).unlink()


class Settled(NamedTuple):
    """How an interrupted change was settled, and the files moved to settle it."""

    outcome: str  # "rolled back" | "completed" | "dropped" (a journal cm did not write)
    moves: list[FileMove]


def recover(book: Book, current: str) -> Settled | None:
    """Settle a change a kill interrupted; None when there was none.

    Call with the lock held; `current` is the SHA-256 of outline.yaml now."""
    path = journal_path(book)
    if not path.is_file() or path.is_symlink():
        return None
    try:
        intent = json.loads(path.read_bytes())
        before, back = intent["before"], intent["back"]
        moves = read_moves(intent["moves"])
        if not isinstance(before, str) or not isinstance(back, str) or (back and not back.isdigit()):
            raise ValueError("not a journal cm wrote")
    except (OSError, ValueError, LookupError, TypeError):
        end(book)  # not one cm wrote: nothing to replay (cm check reports set-aside text)
        return Settled("dropped", [])
    if current != before:  # committed: the history knows the moves; an undo's entry is used up
        if back:
            from clientmilitant.storage.history import forget, history

            for entry in history(book):
                if entry.path.stem == back:
                    forget(book, entry)
        end(book)
        return Settled("completed", [])
    if back:
        done = perform(book, moves)  # the undo never happened: the files go back to removed/
    else:
        done = move_back(book, moves)
        _drop_phantom_entry(book, moves, current)
    end(book)
    return Settled("rolled back", done)


def _drop_phantom_entry(book: Book, moves: tuple[FileMove, ...], current: str) -> None:
    """The killed save may have kept the old outline in the history before dying: that entry
    would undo nothing, so it goes."""
    from clientmilitant.storage.history import forget

    entries = book.history()
    if entries and entries[-1].moves == moves and not entries[-1].problem:
        with contextlib.suppress(OSError):
            if digest(entries[-1].path.read_bytes()) == current:
                forget(book, entries[-1])
