"""A book on disk: finding it, loading it, changing it safely under its lock.

Layout of a book folder:
    outline.yaml        the plan (outline_file.py reads and writes it)
    chapters/<id>.md    the text of a section, named by its stable id (chapter_files.py)
    sources/<id>.md     archived source posts (archive.py)
    removed/            chapter text set aside by `cm section remove --force`
    .cm/                cm's own state, git-ignored: lock file, undo history (history.py),
                        load cache (load_cache.py)
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from clientmilitant.core import model
from clientmilitant.core.errors import BookError, NotFound
from clientmilitant.core.validate import validate
from clientmilitant.storage import chapter_files as chapter_store
from clientmilitant.storage import history as undo_history
from clientmilitant.storage import load_cache, outline_file
from clientmilitant.storage.files import atomic_write, digest, display_path, inside, locked
from clientmilitant.storage.history import FileMove, FileWrite, HistoryEntry

__all__ = ["Book", "Change", "FileMove", "FileWrite", "HistoryEntry", "OUTLINE_NAME", "find_book"]

OUTLINE_NAME = "outline.yaml"
STATE_DIR = ".cm"
OWN_FOLDERS = ("chapters", "sources", "removed", STATE_DIR)  # what an export's -o never writes into


@dataclass
class Change:
    """An outline being changed under the lock, and the files moved or written along with the change."""

    outline: model.Outline
    moves: list[FileMove]
    writes: dict[str, str] = field(default_factory=dict)  # path relative to the root → new text
    # outline.yaml's new bytes, when the caller made them (Book.serialize) to be refused before it
    # writes other files itself (an import's archives); the outline must not change after that
    saved: bytes | None = None

    def write(self, path: Path, text: str, root: Path) -> None:
        """Write `path` when the change is saved, after its old bytes are kept for `cm undo`."""
        self.writes[str(path.relative_to(root))] = text


def find_book(explicit: str | os.PathLike | None = None, start: Path | None = None) -> Book:
    """The book named by --outline/CM_OUTLINE, else the nearest outline.yaml upwards, as git finds .git."""
    if explicit:
        path = Path(explicit).expanduser()
        if path.is_dir():
            path = path / OUTLINE_NAME
        if not path.is_file():
            raise NotFound(f"{display_path(path)}: no such outline file")
        return Book(path.parent.absolute(), path.absolute())
    folder = (start or Path.cwd()).absolute()
    for candidate in (folder, *folder.parents):
        outline_path = candidate / OUTLINE_NAME
        if outline_path.is_file():
            return Book(candidate, outline_path)
    raise NotFound(
        f"no {OUTLINE_NAME} in {display_path(folder)} or any folder above it",
        "run `cm init` to start a book here, or point to one with --outline PATH or CM_OUTLINE",
    )


@dataclass(frozen=True)
class Book:
    root: Path
    outline_path: Path

    @classmethod
    def at(cls, folder: Path) -> Book:
        """The book that would live in `folder` (it need not exist yet)."""
        folder = folder.absolute()
        return cls(folder, folder / OUTLINE_NAME)

    @property
    def chapters_dir(self) -> Path:
        return self.root / "chapters"

    @property
    def sources_dir(self) -> Path:
        return self.root / "sources"

    @property
    def removed_dir(self) -> Path:
        return self.root / "removed"

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def history_dir(self) -> Path:
        return self.state_dir / "history"

    @property
    def display_name(self) -> str:
        return display_path(self.outline_path)

    def folder(self, name: str) -> Path:
        """chapters/, sources/, removed/, build/, .cm/: refused when it is a link leading out of the
        book, before anything is written into it."""
        path = self.root / name
        inside(self.root, path, f"the {name} folder")
        return path

    def refuse_own_file(self, path: Path, option: str = "-o") -> None:
        """An export or a post written with -o PATH never replaces a file of the book."""
        real = Path(os.path.realpath(path))
        root = Path(os.path.realpath(self.root))
        own_files = {Path(os.path.realpath(self.outline_path)), root / "feedback.yaml", root / OUTLINE_NAME}
        own_folders = [Path(os.path.realpath(self.root / name)) for name in OWN_FOLDERS]
        if real in own_files or any(real == folder or folder in real.parents for folder in own_folders):
            raise BookError(
                f"{display_path(path)} is the book's own file; cm never writes an output over it ({option})",
                "give another path, such as build/…",
            )

    # -- reading --

    def read_bytes(self) -> tuple[bytes, os.stat_result]:
        """outline.yaml's bytes and its status, refused before reading when it is absurdly big."""
        try:
            with open(self.outline_path, "rb") as handle:
                status = os.fstat(handle.fileno())
                if status.st_size > outline_file.MAX_OUTLINE_BYTES:
                    raise outline_file.too_large(self.display_name, status.st_size)  # never read it into memory
                return handle.read(), status
        except FileNotFoundError:
            raise NotFound(f"{self.display_name}: no such file") from None
        except IsADirectoryError:
            raise BookError(f"{self.display_name}: is a folder, not an outline file") from None

    def load(self) -> model.Outline:
        data, _ = self.read_bytes()
        return self.parse(data)

    def parse(self, data: bytes) -> model.Outline:
        """The outline that `data` holds: from the load cache when it knows these bytes."""
        cached = load_cache.read(self.state_dir, data)
        if cached is not None:
            return cached
        try:
            return outline_file.loads(data, self.display_name)
        except RecursionError:
            raise BookError(f"{self.display_name}: sections are nested too deeply to read") from None

    # -- changing --

    @contextlib.contextmanager
    def edit(self, action: str) -> Iterator[Change]:
        """Load, let the caller change the outline, validate, keep the old version, save atomically.

        The file is read once before the lock so that a broken book fails without creating
        anything, and again under the lock: when its bytes changed while this command waited
        (another cm, or an editor), that version is the one changed, so no change is ever lost.
        A change that alters nothing writes nothing and adds no undo entry."""
        data, _ = self.read_bytes()
        outline = self.parse(data)
        with self.lock():
            now = self.settle()
            if now != data:
                data, outline = now, self.parse(now)
            change = Change(outline, [])
            yield change
            self.commit(outline, action, tuple(change.moves), change.writes, data, change.saved)

    def settle(self) -> bytes:
        """Under the lock: finish or roll back a change a kill interrupted (journal.py), sweep
        outline.yaml's temp files; the outline's bytes as they are now."""
        from clientmilitant.storage import journal

        data, _ = self.read_bytes()
        settled = journal.recover(self, digest(data))
        if settled and settled.outcome == "rolled back":
            data, _ = self.read_bytes()
        self.sweep_temp_files()
        return data

    def commit(
        self,
        outline: model.Outline,
        action: str,
        moves: tuple[FileMove, ...],
        writes: dict[str, str],
        current: bytes,
        data: bytes | None = None,
    ) -> None:
        """Save `outline` (as `data` when given), move `moves` and write `writes` as one step
        (journal.py); lock held."""
        from clientmilitant.storage import journal

        data = data if data is not None else self.serialize(outline)  # refused here, before any file moves
        if data == current and not moves and not writes:
            return
        if moves:
            journal.begin(self, digest(current), moves)
            journal.perform(self, moves)
        self.save(outline, action, moves, writes, data)
        if moves:
            journal.end(self)

    def serialize(self, outline: model.Outline) -> bytes:
        """outline.yaml's new bytes, refused when cm could not read them back (the load's limits)."""
        validate(outline)
        data = outline_file.dumps(outline).encode("utf-8")
        if len(data) > outline_file.MAX_OUTLINE_BYTES:
            raise outline_file.too_large(self.display_name, len(data))
        return data

    def save(
        self,
        outline: model.Outline,
        action: str,
        moves: tuple[FileMove, ...] = (),
        writes: dict[str, str] | None = None,
        data: bytes | None = None,
    ) -> None:
        """Validate and write; call with the lock held. The version replaced goes to the history, with
        the old bytes of the files the change writes (they are written before outline.yaml)."""
        if data is None:
            data = self.serialize(outline)
        writes = writes or {}
        for relative in writes:
            inside(self.root, self.root / relative, relative)
        if self.outline_path.exists():
            undo_history.remember(self, action, moves, writes)
        for relative, text in writes.items():
            atomic_write(self.root / relative, text)
        atomic_write(self.outline_path, data)
        load_cache.keep(self.state_dir, data, outline)

    def create(self, outline: model.Outline) -> None:
        """Write a new book's outline.yaml and chapters/ folder."""
        with self.lock():
            self.chapters_dir.mkdir(parents=True, exist_ok=True)
            self.save(outline, "create")
        self.ignore_state_dir()

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """The book's lock, refused when .cm/ is a link leading outside the book (history goes there)."""
        inside(self.root, self.state_dir, "the .cm folder")
        return locked(self.state_dir / "lock")

    def sweep_temp_files(self) -> None:
        """Delete temp files of outline.yaml left by a cm process killed mid-save.

        Call with the lock held: only a lock holder writes outline.yaml, so none of these is in use."""
        real = Path(os.path.realpath(self.outline_path))
        for temp in real.parent.glob(f".{real.name}.*.tmp"):
            with contextlib.suppress(OSError):
                temp.unlink()

    def ignore_state_dir(self) -> None:
        ignore = self.state_dir / ".gitignore"
        if not ignore.exists():
            atomic_write(ignore, "# cm's lock and undo history: never committed\n*\n")

    # -- the undo history (history.py) and chapter files (chapter_files.py), as the book's own --

    def history(self) -> list[HistoryEntry]:
        return undo_history.history(self)

    def undo(self) -> HistoryEntry:
        return undo_history.undo(self)

    def chapter_path(self, section_id: str) -> Path:
        return chapter_store.chapter_path(self, section_id)

    def chapter_files(self) -> dict[str, Path]:
        return chapter_store.chapter_files(self)

    def read_text(self, path: Path, what: str = "the file") -> str:
        return chapter_store.read_text(self, path, what)

    def chapter_text(self, section_id: str) -> str | None:
        return chapter_store.chapter_text(self, section_id)

    def set_aside(self, section_ids: list[str]) -> tuple[FileMove, ...]:
        return chapter_store.set_aside(self, section_ids)
