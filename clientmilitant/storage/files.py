"""Files written so that a crash or a kill never leaves half of one, and paths kept inside the book."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from clientmilitant.core.errors import BookError, LockTimeout

LOCK_TIMEOUT_SECONDS = 30.0


def atomic_write(path: Path, data: bytes | str) -> None:
    """Replace `path` with `data` all at once: temp file beside it, fsync, rename, fsync the folder.

    A symbolic link is followed so that the link stays and its target is updated; the file keeps
    its permissions (mkstemp would give 0600)."""
    import tempfile

    if isinstance(data, str):
        data = data.encode("utf-8")
    target = Path(os.path.realpath(path))
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fchmod(temp.fileno(), mode)
            os.fsync(temp.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    fsync_folder(folder)


def fsync_folder(folder: Path) -> None:
    """Make a rename durable: without this a power cut can bring back the old name."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def locked(lock_path: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold an exclusive lock on a separate lock file (flock: the kernel frees it if cm dies)."""
    from filelock import FileLock, Timeout

    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockTimeout(
            f"another cm process has been changing this book for {timeout:.0f} s (lock {lock_path})",
            "wait for it to finish, then try again",
        ) from None
    try:
        yield
    finally:
        lock.release()


def inside(root: Path, path: Path, what: str) -> Path:
    """`path` resolved, or a BookError when it (or a link in it) leads outside `root`."""
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(path))
    if real != real_root and real_root not in real.parents:
        raise BookError(f"{display_path(path)}: {what} leads outside the book's folder; cm will not follow it")
    return real


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return relative if not relative.startswith("..") else str(path)


def digest(data: bytes) -> str:
    """SHA-256 of some bytes, in hex: the load cache's key, and how undo knows a file is as cm wrote it."""
    import hashlib  # loads OpenSSL (a few ms): only the commands that need a digest pay it

    return hashlib.sha256(data).hexdigest()
