"""The files a chapter names (images, raw HTML `src`): inside the book, or never read.

The export gives pandoc only what `media_map` found here (filters/safety.lua puts those bytes in
pandoc's media bag); `cm check` reports the rest with `where`.
"""

from __future__ import annotations

import os
from pathlib import Path

from clientmilitant.core import untrusted
from clientmilitant.storage.book import Book


def where(book: Book, target: str) -> tuple[str, Path | None]:
    """('inside', real path) for a file of the book; else ('remote' | 'outside' | 'missing', None).

    A relative path is looked for beside the chapters, then at the book's root (as pandoc's
    resource path used to); a symbolic link counts where it leads."""
    if not untrusted.is_local_path(target):
        return ("remote" if untrusted.scheme(target) not in (None, "file") else "outside"), None
    root = Path(os.path.realpath(book.root))
    outside = False
    for folder in (book.chapters_dir, book.root):
        real = Path(os.path.realpath(folder / target))
        if real != root and root not in real.parents:
            outside = True
        elif real.is_file():
            return "inside", real
    return ("outside" if outside else "missing"), None


def media_map(book: Book, texts: list[str]) -> dict[str, list[str]]:
    """Every image path the chapters name that is a file inside the book → [its path from the book's
    root, where links lead (the name the export gives it: typst resolves it from the root), its
    absolute path (what filters/safety.lua reads)]."""
    root = Path(os.path.realpath(book.root))
    found: dict[str, list[str]] = {}
    for text in texts:
        for item in untrusted.scan(text):
            if item.kind in ("resource", "reference") and item.value not in found:
                state, real = where(book, item.value)
                if state == "inside" and real is not None:
                    found[item.value] = [real.relative_to(root).as_posix(), str(real)]
    return found
