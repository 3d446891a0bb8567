"""The book's metadata (title, author, language, cover, trim size…): what pandoc and e-readers use,
and the rules a value must follow before cm stores it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from clientmilitant.core.errors import CmError
from clientmilitant.core.text import did_you_mean
from clientmilitant.core.untrusted import refuse_controls

BOOK_KEYS = ("title", "subtitle", "author", "lang", "date", "rights", "publisher", "cover", "trim", "identifier")
TRIMS = ("a5", "6x9", "royal", "a4")  # the PDF's page sizes: A5, 6×9 in, royal (156×234 mm), A4; '' is a5


@dataclass
class BookMeta:
    """The book's metadata, as pandoc and e-readers use it."""

    title: str = ""
    subtitle: str = ""
    author: str = ""
    lang: str = "fr-FR"
    date: str = ""
    rights: str = ""
    publisher: str = ""
    cover: str = ""
    trim: str = ""  # one of TRIMS; '' means the default, a5
    identifier: str = ""


LANG_PATTERN = re.compile(r"[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*")


def set_book_value(book: BookMeta, key: str, value: str) -> None:
    settable = [k for k in BOOK_KEYS if k != "identifier"]
    if key not in settable:
        close = did_you_mean(key, settable)
        hint = f"did you mean {close}?" if close else f"one of: {', '.join(settable)}"
        raise CmError(f"no book setting '{key}'", hint)
    value = refuse_controls(value, f"book.{key}").strip()
    if key == "lang" and not LANG_PATTERN.fullmatch(value):
        raise CmError(f"'{value}' is not a language tag", "use a BCP 47 tag like fr-FR")
    if key == "title" and not value:
        raise CmError("the book needs a title")
    if key == "cover" and value:
        check_relative_path(value, "book.cover")
    if key == "trim":
        value = value.lower()
        check_trim(value)
    setattr(book, key, value)


def check_trim(value: str) -> None:
    """The PDF's trim size: one of TRIMS, or '' for the default (a5)."""
    if value and value not in TRIMS:
        close = did_you_mean(value, TRIMS)
        hint = f"did you mean {close}?" if close else f"one of: {', '.join(TRIMS)}"
        raise CmError(f"'{value}' is not a trim size", hint)


def check_relative_path(value: str, field_name: str) -> None:
    """A path stored in the outline must stay inside the book's folder."""
    parts = value.replace("\\", "/").split("/")
    if value.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", value) or ".." in parts:
        raise CmError(f"{field_name} '{value}' points outside the book", "give a path relative to the book's folder")
