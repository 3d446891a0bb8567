"""Section and source ids: stable ASCII slugs, unique in the book, that name chapter and source files."""

from __future__ import annotations

import re

from clientmilitant.core.errors import CmError, Refused
from clientmilitant.core.text import fold

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ID_MAX_LENGTH = 64
SLUG_MAX_LENGTH = 40


def is_valid_id(value: str) -> bool:
    """An id is a lower-case ASCII slug with a letter: safe as a file name and in a URL, never a number."""
    return (
        len(value) <= ID_MAX_LENGTH
        and ID_PATTERN.fullmatch(value) is not None
        and any("a" <= char <= "z" for char in value)
    )


def slugify(text: str, max_length: int = SLUG_MAX_LENGTH) -> str:
    """`Web2.0 : modularité` → `web2-0-modularite`; cut at a word boundary to stay short."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    if not slug and words:
        slug = words[0][:max_length]
    if not any("a" <= char <= "z" for char in slug):  # `2007` would read as a section number
        slug = f"section-{slug}" if slug else "section"
    return slug[:max_length].rstrip("-")


def unique_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`… whichever is free."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def check_new_id(value: str, taken: set[str], what: str = "section") -> None:
    if not is_valid_id(value):
        raise CmError(
            f"'{value}' is not a valid {what} id",
            "use lower-case ASCII letters (at least one), digits and single hyphens, like 'web-2-0'",
        )
    if value in taken:
        raise Refused(f"the id '{value}' is already used in this book", "choose another with --id")
