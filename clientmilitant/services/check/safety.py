"""What `cm check` says about a chapter's untrusted content: files outside the book, active HTML, unsafe links.

The export already leaves these out (filters/safety.lua) with a warning; here they are named by
file, line and column before any export. A resource outside the book (or on the web) is an error:
the book would silently lack it. Active HTML and links other than http, https and mailto are
warnings: the export drops them and keeps the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from clientmilitant.core import untrusted
from clientmilitant.services.resources import where
from clientmilitant.storage.book import Book


class Problem(NamedTuple):
    level: str  # "error" | "warning"
    code: str
    message: str
    hint: str
    line: int
    column: int


_OUTSIDE = {
    "remote": ("is on the web: exports never fetch it", "save the file inside the book and name it by a relative path"),
    "outside": (
        "leads outside the book's folder: exports never read it",
        "copy the file inside the book (e.g. images/) and name it from there",
    ),
}


def problems(book: Book, text: str) -> Iterator[Problem]:
    """Each problem of one chapter's text, in order."""
    for item in untrusted.scan(text):
        if item.kind == "resource":
            state, _ = where(book, item.value)
            if state not in _OUTSIDE:  # `..%2F..%2Fetc` or `&#47;etc`: what a reader of the text would fetch
                state, _ = where(book, untrusted.decoded(item.value))
            if state in _OUTSIDE:
                message, hint = _OUTSIDE[state]
                yield Problem("error", "outside-resource", f"'{item.value}' {message}", hint, item.line, item.column)
        elif item.kind == "tag":
            yield Problem(
                "warning", "unsafe-html", f"raw HTML <{item.value}> is active content: exports leave it out",
                "write the passage in Markdown; an image is ![description](images/file.png)", item.line, item.column,
            )  # fmt: skip
        elif item.kind == "attribute":
            yield Problem(
                "warning", "unsafe-html", f"the {item.value[2:]} event handler runs code: exports leave it out",
                "remove the attribute", item.line, item.column,
            )  # fmt: skip
        elif item.kind in ("link", "reference", "url") and not _kept(item.value):
            yield Problem(
                "warning", "unsafe-link", f"a {untrusted.scheme(item.value)} link: exports keep its text only",
                "only http, https and mailto links are kept, and links to sections (#id)", item.line, item.column,
            )  # fmt: skip


def _kept(target: str) -> bool:
    """Links the export keeps, and relative ones that `cm check`'s broken-link rule judges itself."""
    return untrusted.link_allowed(target) or untrusted.scheme(target) is None
