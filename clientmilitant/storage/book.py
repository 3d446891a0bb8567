"""A book on disk: where it is, loading it, changing it safely, undoing a change, its chapter files.

Layout of a book folder:
    outline.yaml        the plan (see outline_file.py)
    chapters/<id>.md    the text of a section, named by its stable id
    sources/<id>.md     archived source posts
    removed/            chapter text set aside by `cm section remove --force`
    .cm/                cm's own state, git-ignored: lock file, undo history, load cache
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from clientmilitant import __version__
from clientmilitant.core import model
from clientmilitant.core.errors import BookError, CmError, NotFound, Refused
from clientmilitant.storage import outline_file
from clientmilitant.storage.files import atomic_write, display_path, inside, locked

OUTLINE_NAME = "outline.yaml"
STATE_DIR = ".cm"
HISTORY_KEEP = 20
# The last outline.yaml cm wrote, as validated data keyed by the file's SHA-256: reading it back
# skips the YAML parser (the cost of every command on a big book: ~1 s at 10,000 sections). Only a
# save writes it, so that reading or a refused change never writes anything; after a hand edit the
# file is parsed until cm next saves it.
CACHE_NAME = "outline-cache.json"
CACHE_FORMAT = 1


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


@dataclass
class Change:
    """An outline being changed under the lock, and the files moved or written along with the change."""

    outline: model.Outline
    moves: list[FileMove]
    writes: dict[str, str] = field(default_factory=dict)  # path relative to the root → new text

    def write(self, path: Path, text: str, root: Path) -> None:
        """Write `path` when the change is saved, after its old bytes are kept for `cm undo`."""
        self.writes[str(path.relative_to(root))] = text


@dataclass(frozen=True)
class HistoryEntry:
    """One saved version of outline.yaml, from before a change."""

    path: Path
    action: str
    time: float
    moves: tuple[FileMove, ...]
    files: tuple[FileWrite, ...] = ()


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

    # -- reading --

    def _read(self) -> tuple[bytes, os.stat_result]:
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
        data, _ = self._read()
        return self._parse(data)

    def _parse(self, data: bytes) -> model.Outline:
        cached = self._cached(data)
        if cached is not None:
            return cached
        try:
            return outline_file.loads(data, self.display_name)
        except RecursionError:
            raise BookError(f"{self.display_name}: sections are nested too deeply to read") from None

    # -- the load cache (an optimisation only: any doubt and the file is parsed) --

    def _cache_file(self) -> Path | None:
        """.cm/outline-cache.json when .cm/ is a real folder of this book: a link (to .cm/ or to
        the cache) is never followed out of the book."""
        cache = self.state_dir / CACHE_NAME
        if self.state_dir.is_symlink() or not self.state_dir.is_dir() or cache.is_symlink():
            return None
        return cache

    def _cached(self, data: bytes) -> model.Outline | None:
        cache = self._cache_file()
        if cache is None or not cache.exists():
            return None
        try:
            kept = json.loads(cache.read_bytes())
            key = (kept["format"], kept["cm"], kept["schema"], kept["sha256"])
            if key != (CACHE_FORMAT, __version__, _schema(), _digest(data)):
                return None
            outline = outline_file.from_data(kept["outline"])
            validate(outline)  # ids that name files, statuses, depth: never trust a file blindly
            if outline.book.cover:
                model.check_relative_path(outline.book.cover, "book.cover")
            return outline
        except (OSError, ValueError, LookupError, TypeError, AttributeError, RecursionError, CmError):
            return None

    def _keep_cache(self, digest: str, outline: model.Outline) -> None:
        cache = self._cache_file()
        if cache is None:
            return
        kept = {
            "format": CACHE_FORMAT,
            "cm": __version__,
            "schema": _schema(),
            "sha256": digest,
            "outline": outline_file.to_data(outline),
        }
        with contextlib.suppress(OSError):  # a cache that cannot be written is only a slower next start
            atomic_write(cache, json.dumps(kept, ensure_ascii=False, separators=(",", ":")))

    # -- changing --

    @contextlib.contextmanager
    def edit(self, action: str) -> Iterator[Change]:
        """Load, let the caller change the outline, validate, keep the old version, save atomically.

        The file is read once before the lock so that a broken book fails without creating
        anything; under the lock it is read again only if another process replaced it meanwhile."""
        data, before = self._read()
        outline = self._parse(data)
        with self._lock():
            self._sweep_temp_files()
            now = os.stat(self.outline_path)
            if (now.st_ino, now.st_mtime_ns, now.st_size) != (before.st_ino, before.st_mtime_ns, before.st_size):
                data, _ = self._read()
                outline = self._parse(data)
            change = Change(outline, [])
            yield change
            self.save(outline, action, tuple(change.moves), change.writes)

    def save(
        self,
        outline: model.Outline,
        action: str,
        moves: tuple[FileMove, ...] = (),
        writes: dict[str, str] | None = None,
    ) -> None:
        """Validate and write; call with the lock held. The version replaced goes to the history, with
        the old bytes of the files the change writes (they are written before outline.yaml)."""
        validate(outline)
        data = outline_file.dumps(outline).encode("utf-8")
        writes = writes or {}
        for relative in writes:
            inside(self.root, self.root / relative, relative)
        if self.outline_path.exists():
            self._remember(action, moves, writes)
        for relative, text in writes.items():
            atomic_write(self.root / relative, text)
        atomic_write(self.outline_path, data)
        self._keep_cache(_digest(data), outline)

    def create(self, outline: model.Outline) -> None:
        """Write a new book's outline.yaml and chapters/ folder."""
        with self._lock():
            self.chapters_dir.mkdir(parents=True, exist_ok=True)
            self.save(outline, "create")
        self._ignore_state_dir()

    def _lock(self) -> contextlib.AbstractContextManager[None]:
        """The book's lock, refused when .cm/ is a link leading outside the book (history goes there)."""
        inside(self.root, self.state_dir, "the .cm folder")
        return locked(self.state_dir / "lock")

    def _sweep_temp_files(self) -> None:
        """Delete temp files of outline.yaml left by a cm process killed mid-save.

        Call with the lock held: only a lock holder writes outline.yaml, so none of these is in use."""
        real = Path(os.path.realpath(self.outline_path))
        for temp in real.parent.glob(f".{real.name}.*.tmp"):
            with contextlib.suppress(OSError):
                temp.unlink()

    def _ignore_state_dir(self) -> None:
        ignore = self.state_dir / ".gitignore"
        if not ignore.exists():
            atomic_write(ignore, "# cm's lock and undo history: never committed\n*\n")

    # -- history and undo --

    def _remember(self, action: str, moves: tuple[FileMove, ...], writes: dict[str, str]) -> None:
        inside(self.root, self.history_dir, "the .cm/history folder")
        self.history_dir.mkdir(parents=True, exist_ok=True)
        self._ignore_state_dir()
        entries = self.history()
        number = int(entries[-1].path.stem) + 1 if entries else 1
        snapshot = self.history_dir / f"{number:06d}.yaml"
        real = os.path.realpath(self.outline_path)
        try:
            os.link(real, snapshot)  # the old inode survives the os.replace that follows: no copy
        except OSError:
            atomic_write(snapshot, Path(real).read_bytes())
        files = []
        for index, (relative, text) in enumerate(writes.items()):
            saved = None
            current = self.root / relative
            if current.exists():
                saved = f"{number:06d}-{index}.bak"
                atomic_write(self.history_dir / saved, current.read_bytes())
            files.append(FileWrite(relative, saved, _digest(text.encode("utf-8"))))
        meta = {
            "action": action,
            "time": time.time(),
            "moves": [m.__dict__ for m in moves],
            "files": [f.__dict__ for f in files],
        }
        atomic_write(snapshot.with_suffix(".json"), json.dumps(meta, ensure_ascii=False))
        for old in entries[: max(0, len(entries) + 1 - HISTORY_KEEP)]:
            self._forget(old)

    def _forget(self, entry: HistoryEntry) -> None:
        entry.path.unlink(missing_ok=True)
        entry.path.with_suffix(".json").unlink(missing_ok=True)
        for written in entry.files:
            if written.saved:
                (self.history_dir / written.saved).unlink(missing_ok=True)

    def history(self) -> list[HistoryEntry]:
        inside(self.root, self.history_dir, "the .cm/history folder")
        if not self.history_dir.is_dir():
            return []
        entries = []
        for path in sorted(self.history_dir.glob("[0-9]*.yaml")):
            try:
                meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                meta = {}
            moves = tuple(FileMove(**m) for m in meta.get("moves", []))
            files = tuple(FileWrite(**f) for f in meta.get("files", []))
            when = meta.get("time", path.stat().st_mtime)
            entries.append(HistoryEntry(path, meta.get("action", "?"), when, moves, files))
        return entries

    def undo(self) -> HistoryEntry:
        """Put back the outline as it was before the last change, and the files that change moved."""
        self._read()  # a clear error when there is no book at all
        if not self.history():  # checked before the lock too, so that nothing is created
            raise NotFound("nothing to undo: cm keeps the versions from before its own changes only")
        with self._lock():
            self._sweep_temp_files()
            entries = self.history()
            if not entries:
                raise NotFound("nothing to undo: cm keeps the versions from before its own changes only")
            entry = entries[-1]
            data = entry.path.read_bytes()
            self._parse(data)
            self._check_unchanged(entry)
            for written in entry.files:
                if written.saved:
                    atomic_write(self.root / written.path, (self.history_dir / written.saved).read_bytes())
                else:
                    (self.root / written.path).unlink(missing_ok=True)
            atomic_write(self.outline_path, data)
            for move in reversed(entry.moves):
                source, target = self.root / move.source, self.root / move.target
                if target.exists() and not source.exists():
                    source.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(target, source)
            self._forget(entry)
            return entry

    def _check_unchanged(self, entry: HistoryEntry) -> None:
        """Refuse to undo a change whose files were edited since: undo would lose those words."""
        for written in entry.files:
            path = inside(self.root, self.root / written.path, written.path)
            if path.exists() and _digest(path.read_bytes()) != written.written:
                raise Refused(
                    f"{written.path} changed since `{entry.action}`: undoing it would lose what you wrote there",
                    "take the seeded text out by hand (it lies between its cm:seed markers)",
                )

    # -- chapter files --

    def chapter_path(self, section_id: str) -> Path:
        if not model.is_valid_id(section_id):
            raise CmError(f"'{section_id}' is not a valid section id")
        return self.chapters_dir / f"{section_id}.md"

    def chapter_files(self) -> dict[str, Path]:
        """The chapter files on disk, by the id their name gives (one listing, no per-section stat)."""
        try:
            scan = os.scandir(self.chapters_dir)
        except (FileNotFoundError, NotADirectoryError):
            return {}
        with scan:
            return {e.name[:-3]: Path(e.path) for e in scan if e.name.endswith(".md") and not e.name.startswith(".")}

    def read_text(self, path: Path, what: str = "the file") -> str:
        """A text file of the book, refusing links that lead outside it and bytes that are not UTF-8."""
        real = inside(self.root, path, what)
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

    def chapter_text(self, section_id: str) -> str | None:
        path = self.chapter_path(section_id)
        if not path.exists() and not path.is_symlink():
            return None
        return self.read_text(path, "this chapter")

    def set_aside(self, section_ids: list[str]) -> tuple[FileMove, ...]:
        """Move the chapter files of removed sections to removed/, never deleting a word."""
        moves = []
        for section_id in section_ids:
            path = self.chapter_path(section_id)
            if not path.exists():
                continue
            inside(self.root, path, "this chapter")  # never pull a file in from outside the book
            inside(self.root, self.removed_dir, "the removed folder")  # nor push one out
            self.removed_dir.mkdir(exist_ok=True)
            target = self.removed_dir / f"{section_id}.md"
            n = 2
            while target.exists():
                target = self.removed_dir / f"{section_id}-{n}.md"
                n += 1
            os.replace(path, target)
            moves.append(FileMove(str(path.relative_to(self.root)), str(target.relative_to(self.root))))
        return tuple(moves)


def _schema() -> list[list[str]]:
    """The model's fields: a cache written before a field was added is never read (it would drop it)."""
    return [list(outline_file.SECTION_KEYS), list(outline_file.SOURCE_KEYS), list(model.BOOK_KEYS)]


def _digest(data: bytes) -> str:
    """SHA-256 of the outline's bytes: the load cache's key."""
    try:
        from _sha256 import sha256  # CPython 3.11's own: `import hashlib` loads OpenSSL first (~5 ms a start)
    except ImportError:
        from hashlib import sha256
    return sha256(data).hexdigest()


def validate(outline: model.Outline) -> None:
    """What must hold before any outline is written: unique valid ids and known statuses."""
    seen: set[str] = set()

    def check(sections: list[model.Section], prefix: tuple[int, ...]) -> None:
        # a plain recursion rather than model.walk: no Located per section (this runs on every
        # save and every cached load: 10,000 sections)
        for position, section in enumerate(sections, start=1):
            path = (*prefix, position)
            if not model.is_valid_id(section.id) or section.id in seen:
                number = model.format_number(path)
                raise CmError(f"internal error: section {number} has a bad or duplicate id '{section.id}'")
            if len(path) > outline_file.MAX_DEPTH:
                number = model.format_number(path)
                raise CmError(f"section {number} would be nested more than {outline_file.MAX_DEPTH} levels deep")
            if section.status is not None:
                model.check_status(section.status)
            seen.add(section.id)
            check(section.sections, path)

    check(outline.parts, ())
    source_ids = [s.id for s in outline.sources]
    if len(set(source_ids)) != len(source_ids) or not all(model.is_valid_id(i) for i in source_ids):
        raise CmError("internal error: the source registry has a bad or duplicate id")
