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


class StateProblem(NamedTuple):
    level: str
    code: str
    message: str
    hint: str
    file: str


def state_problems(book: Book, outline_ids: set[str]) -> Iterator[StateProblem]:
    """What a killed cm may leave: a change half done, text set aside for a section still in the
    plan, temporary files of an interrupted save."""
    from clientmilitant.storage.journal import journal_path

    if journal_path(book).is_file():
        yield StateProblem(
            "error", "interrupted-change", "a change that moves files was interrupted (cm was killed)",
            "the next cm command that changes the book completes it or rolls it back: run `cm undo` or any change",
            ".cm/pending.json",
        )  # fmt: skip
    removed = book.removed_dir
    if removed.is_dir() and not removed.is_symlink():
        for path in sorted(removed.glob("*.md")):
            section_id = path.stem
            if section_id in outline_ids and not book.chapter_path(section_id).exists():
                yield StateProblem(
                    "warning", "set-aside-text", f"text of '{section_id}', a section still in the plan, is in removed/",
                    f"if it is the section's text, move it back: mv removed/{path.name} chapters/{section_id}.md",
                    f"removed/{path.name}",
                )  # fmt: skip
    for folder in (book.root, book.chapters_dir, book.sources_dir, book.state_dir):
        if folder.is_dir() and not folder.is_symlink():
            for temp in sorted(folder.glob(".*.tmp")):
                yield StateProblem(
                    "warning", "temp-file", "a temporary file left by an interrupted save",
                    "the next cm command that changes the book removes those of outline.yaml; delete the others",
                    str(temp.relative_to(book.root)),
                )  # fmt: skip
