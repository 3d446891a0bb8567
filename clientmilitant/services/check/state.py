"""What a killed cm leaves in a book, reported by `cm check` and swept by `cm check --sweep`.

A kill can leave: a change half done (`.cm/pending.json`, storage/journal.py), temporary files of
an interrupted save (`.NAME.XXXXXXXX.tmp`, the names storage/files.atomic_write gives), and, from
older versions of cm, the text of a section still in the plan set aside in `removed/`. Files in
`removed/` that no undo entry refers to any more are reported, never deleted: they hold words.

The sweep works under the book's lock and reuses the journal's own recovery, so it settles an
interrupted change exactly as the next command that changes the book would. It deletes only
regular files named as cm's atomic writer names its temp files, in the book's own folders, never
through a link; a temp file that a command working without the lock (an export, the load cache)
may still be writing is left until it is a minute old. Set-aside text goes back only when nothing
else could be meant, as a change `cm undo` reverses. A sweep killed halfway leaves what the next
sweep finishes: each of its steps is one a later command settles.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from clientmilitant.core import model
from clientmilitant.core.errors import BookError
from clientmilitant.services.check.findings import ERROR, WARNING, Finding
from clientmilitant.storage import journal
from clientmilitant.storage.book import Book
from clientmilitant.storage.files import digest
from clientmilitant.storage.history import FileMove

# tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp"): 8 characters of its own alphabet
TEMP_NAME = re.compile(r"\.(?P<name>[^/]+)\.[a-z0-9_]{8}\.tmp")
TEMP_FOLDERS = ("", "chapters", "sources", "removed", "removed/sources", ".cm", ".cm/history", "build")
# temp files only a lock holder writes: none is in use while the sweep holds the lock
LOCKED_TEMPS = re.compile(r"\.(?:outline|feedback)\.yaml\..*|\.cm/\.pending\.json\..*|\.cm/history/.*|removed/.*")
FRESH_SECONDS = 60.0
SWEEP_HINT = "run `cm check --sweep`"


@dataclass(frozen=True)
class Swept:
    """One thing `cm check --sweep` did (or left, saying why), about one file."""

    action: str  # rolled back | completed | moved | deleted | restored | left
    file: str  # relative to the book's folder
    detail: str


def state_findings(book: Book) -> Iterator[Finding]:
    """What a killed cm may have left, as findings (read-only)."""
    if journal.journal_path(book).is_file():
        yield Finding(
            ERROR, "interrupted-change", "a change that moves files was interrupted (cm was killed)",
            f"{SWEEP_HINT} (or any command that changes the book) to complete it or roll it back",
            ".cm/pending.json",
        )  # fmt: skip
    for path in temp_files(book):
        yield Finding(WARNING, "temp-file", "a temporary file left by an interrupted save", SWEEP_HINT, path)
    for aside in set_aside(book):
        hint = f"{SWEEP_HINT}: it puts the text back (`cm undo` reverses that)" if aside.restorable else aside.why
        yield Finding(
            WARNING, "set-aside-text", f"text of '{aside.section_id}', a section still in the plan, is in removed/",
            hint, aside.file,
        )  # fmt: skip
    for file in orphans(book):
        yield Finding(
            WARNING, "removed-orphan", "text set aside by a change cm can no longer undo",
            f"its words are kept there: move it back by hand (mv {file} chapters/…) or delete it once you are sure",
            file,
        )  # fmt: skip


def sweep(book: Book) -> list[Swept]:
    """Settle what a killed cm left, under the book's lock; one Swept per file. Nothing to do: no lock taken."""
    book.read_bytes()  # a clear error when there is no book
    if not (journal.journal_path(book).is_file() or temp_files(book) or set_aside(book)):
        return []
    done: list[Swept] = []
    with book.lock():
        current, _ = book.read_bytes()
        settled = journal.recover(book, digest(current))
        if settled:
            done.append(Swept(settled.outcome, ".cm/pending.json", "a change a kill interrupted"))
            done.extend(Swept("moved", move.target, f"back from {move.source}") for move in settled.moves)
            current, _ = book.read_bytes()
        done.extend(_delete_temps(book))
        done.extend(_restore(book, current))
    return done


def temp_files(book: Book, now: float | None = None) -> list[str]:
    """cm's own temp files in the book's own folders (relative paths); with `now`, only those safe to delete then."""
    found = []
    for name in TEMP_FOLDERS:
        folder = book.root / name if name else book.root
        if not _own_folder(book, folder):
            continue
        with os.scandir(folder) as entries:
            for entry in entries:
                if not (TEMP_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)):
                    continue
                relative = f"{name}/{entry.name}" if name else entry.name
                old = now is None or now - entry.stat(follow_symlinks=False).st_mtime >= FRESH_SECONDS
                if now is None or LOCKED_TEMPS.fullmatch(relative) or old:
                    found.append(relative)
    return sorted(found)


def _own_folder(book: Book, folder: Path) -> bool:
    """A real folder of the book reached through no link at all."""
    real_root = os.path.realpath(book.root)
    relative = os.path.relpath(folder, book.root)
    expected = real_root if relative == "." else os.path.join(real_root, relative)
    return folder.is_dir() and os.path.realpath(folder) == expected


def _delete_temps(book: Book) -> Iterator[Swept]:
    safe = set(temp_files(book, now=time.time()))
    for relative in temp_files(book):
        if relative not in safe:
            yield Swept("left", relative, "less than a minute old: a cm may still be writing it; sweep again later")
            continue
        try:
            os.unlink(book.root / relative)  # unlink never follows a link, and the folder is the book's own
        except FileNotFoundError:
            continue
        yield Swept("deleted", relative, "a temporary file of an interrupted save")


@dataclass(frozen=True)
class Aside:
    """Text in removed/ for a section still in the plan that has no chapter file."""

    section_id: str
    file: str
    restorable: bool
    why: str = ""


def set_aside(book: Book) -> list[Aside]:
    outline = _outline(book)
    if outline is None or not _own_folder(book, book.removed_dir):
        return []
    ids = model.section_ids(outline)
    names = sorted(p.name for p in book.removed_dir.glob("*.md"))
    referred = _history_files(book)
    found = []
    for section_id in sorted(ids):
        chapter = book.chapter_path(section_id)
        if chapter.exists() or chapter.is_symlink():
            continue
        pattern = re.compile(rf"{re.escape(section_id)}(?:-[0-9]+)?\.md")
        candidates = [n for n in names if pattern.fullmatch(n) and (n == f"{section_id}.md" or n[:-3] not in ids)]
        for name in candidates:
            file = f"removed/{name}"
            why = _ambiguity(book, section_id, name, candidates, file in referred)
            found.append(Aside(section_id, file, not why, why))
    return found


def _ambiguity(book: Book, section_id: str, name: str, candidates: list[str], referred: bool) -> str:
    """Why set-aside text cannot go back by itself (what to do instead); "" when it can."""
    by_hand = f"if it is the section's text: mv removed/{name} chapters/{section_id}.md"
    if len(candidates) > 1:
        return f"{len(candidates)} texts in removed/ could be this section's: compare them; {by_hand}"
    if referred:
        return f"an undo entry still refers to it (the section was removed, then added again); {by_hand}"
    path = book.removed_dir / name
    if name != f"{section_id}.md" or path.is_symlink() or not path.is_file():
        return by_hand
    return ""


def _restore(book: Book, current: bytes) -> Iterator[Swept]:
    """Put back each unambiguous set-aside text, as one change `cm undo` reverses; say why for the others."""
    asides = set_aside(book)
    for aside in asides:
        if not aside.restorable:
            yield Swept("left", aside.file, aside.why)
    moves = tuple(FileMove(a.file, f"chapters/{a.section_id}.md") for a in asides if a.restorable)
    if not moves:
        return
    book.folder("chapters")
    outline = book.parse(current)
    book.commit(outline, "check --sweep", moves, {}, current, data=current)  # outline.yaml's bytes stay
    yield from (Swept("restored", move.target, f"from {move.source}: its section is in the plan") for move in moves)


def orphans(book: Book) -> list[str]:
    """Files in removed/ that no undo entry refers to any more and no section of the plan claims."""
    if not _own_folder(book, book.removed_dir):
        return []
    referred = _history_files(book)
    claimed = {aside.file for aside in set_aside(book)}
    files = [f"removed/{p.name}" for p in book.removed_dir.glob("*.md")]
    if _own_folder(book, book.removed_dir / "sources"):
        files += [f"removed/sources/{p.name}" for p in (book.removed_dir / "sources").glob("*.md")]
    return sorted(f for f in files if f not in referred and f not in claimed)


def _history_files(book: Book) -> set[str]:
    """Every path the undo entries name (an entry cm cannot trust names none)."""
    try:
        entries = book.history()
    except BookError:
        return set()
    return {path for entry in entries for move in entry.moves for path in (move.source, move.target)}


def _outline(book: Book) -> model.Outline | None:
    try:
        return book.load()
    except BookError:
        return None
