"""The load cache: the last outline.yaml cm wrote, as validated data keyed by the file's SHA-256.

Reading it back skips the YAML parser, the cost of every command on a big book (docs/benchmarks.md:
`cm section add` at 10,000 sections takes ~0.3 s with it, ~1 s without). Only a save writes it, so
that reading or a refused change never writes anything; after a hand edit the file's hash changes
and the file is parsed until cm next saves it. An optimisation only: any doubt and the file is parsed.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from clientmilitant import __version__
from clientmilitant.core import model
from clientmilitant.core.errors import CmError
from clientmilitant.core.validate import validate
from clientmilitant.storage import outline_file
from clientmilitant.storage.files import atomic_write, digest

CACHE_NAME = "outline-cache.json"
CACHE_FORMAT = 1


def _cache_file(state_dir: Path) -> Path | None:
    """.cm/outline-cache.json when .cm/ is a real folder of this book: a link (to .cm/ or to the
    cache) is never followed out of the book."""
    cache = state_dir / CACHE_NAME
    if state_dir.is_symlink() or not state_dir.is_dir() or cache.is_symlink():
        return None
    return cache


def read(state_dir: Path, data: bytes) -> model.Outline | None:
    """The outline whose file holds `data`, when the cache has it; None otherwise."""
    cache = _cache_file(state_dir)
    if cache is None or not cache.exists():
        return None
    try:
        kept = json.loads(cache.read_bytes())
        key = (kept["format"], kept["cm"], kept["schema"], kept["sha256"])
        if key != (CACHE_FORMAT, __version__, _schema(), digest(data)):
            return None
        outline = outline_file.from_data(kept["outline"])
        validate(outline)  # ids that name files, statuses, depth, cover: never trust a file blindly
        return outline
    except (OSError, ValueError, LookupError, TypeError, AttributeError, RecursionError, CmError):
        return None


def keep(state_dir: Path, data: bytes, outline: model.Outline) -> None:
    """Remember `outline` as the content of the file that holds `data` (just written by cm)."""
    cache = _cache_file(state_dir)
    if cache is None:
        return
    kept = {
        "format": CACHE_FORMAT,
        "cm": __version__,
        "schema": _schema(),
        "sha256": digest(data),
        "outline": outline_file.to_data(outline),
    }
    with contextlib.suppress(OSError):  # a cache that cannot be written is only a slower next start
        atomic_write(cache, json.dumps(kept, ensure_ascii=False, separators=(",", ":")))


def _schema() -> list[list[str]]:
    """The model's fields: a cache written before a field was added is never read (it would drop it)."""
    return [list(outline_file.SECTION_KEYS), list(outline_file.SOURCE_KEYS), list(model.BOOK_KEYS)]
