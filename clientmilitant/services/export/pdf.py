"""Typesetting the PDF: pandoc's Typst (from templates/book.typ) → the Typst compiler → PDF bytes.

It runs `typst` (the PyPI wheel: the compiler and its fonts, no TeX, no system
library). Typst runs with the book's folder as its root, so an image can only come from inside the
book, and with its bundled fonts only (never the machine's), so the same book gives the same bytes
on every machine; the creation date is fixed by the caller.

An error Typst reports is placed in the chapter it comes from: filters/chapters.lua opens each
chapter's Typst with a `// cm-chapter <file>` line, and the failing line is looked for in the chapter's
own text to give its line number.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from clientmilitant.core.errors import CmError, Failed
from clientmilitant.core.model import BookMeta

TEMPLATE = Path(__file__).parent / "templates" / "book.typ"
FILTER = Path(__file__).parent / "filters" / "typst.lua"
_MARKER = "// cm-chapter "
_MARKER_END = "// cm-chapter-end"
_TYPST_PATH = re.compile(r'"/?([^"]+)"')
_APOSTROPHE = re.compile(r"(?<=\S)'(?=\S)")


def typst_string(text: str) -> str:
    """`text` as a Typst string literal (for -V values the template puts in code); an apostrophe
    inside a word is written ’, as pandoc's `smart` reading makes it in the text."""
    text = "".join(char for char in text if char >= " " or char == "\t")
    text = _APOSTROPHE.sub("’", text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def template_arguments(book: BookMeta) -> list[str]:
    """pandoc's options for the Typst it writes: cm's template, the trim size, the language, and
    the values the template needs as Typst strings rather than markup (PDF metadata)."""
    language, _, region = (book.lang or "fr-FR").partition("-")
    values = {
        "cm-trim": book.trim or "a5",
        "cm-lang": language.lower() or "fr",
        "cm-region": region.upper() or "none",
        "cm-title-string": book.title,
        "cm-author-string": book.author,
        "cm-identifier-string": book.identifier,
        "cm-date-string": book.date,
    }
    arguments = ["-t", "typst", "-s", "--template", str(TEMPLATE), f"--lua-filter={FILTER}"]
    for key, value in values.items():
        literal = value if key == "cm-region" and value == "none" else typst_string(value)
        arguments += ["-V", f"{key}={literal}"]
    return arguments


def creation_time(book_date: str, source_date_epoch: str | None, newest_input: int) -> int:
    """The PDF's creation date, in Unix seconds: SOURCE_DATE_EPOCH when the caller set it, else the
    book's date (`2026-01-15`, `2026-01`, `2026`), else the newest input's (as for the EPUB) — never
    the clock, so that the same book gives the same bytes."""
    if source_date_epoch and source_date_epoch.strip().isdigit():
        return int(source_date_epoch)
    found = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", book_date.strip())
    if found:
        try:
            day = datetime.date(int(found[1]), int(found[2] or 1), int(found[3] or 1))
        except ValueError:
            return newest_input
        return int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp())
    return newest_input


def compile_pdf(source: bytes, root: Path, timestamp: int, chapters: dict[str, str]) -> bytes:
    """The PDF Typst makes of `source` (pandoc's Typst), images read from `root` (the book's folder)."""
    import typst

    try:
        data = typst.compile(source, root=str(root), ignore_system_fonts=True, format="pdf", timestamp=timestamp)
    except typst.TypstError as error:
        raise located_error(error, source.decode("utf-8", "replace"), chapters) from None
    except OSError as error:
        raise Failed(f"typst cannot read or write a file: {error}") from None
    if not isinstance(data, bytes):
        raise Failed("typst made no PDF")
    return data


def located_error(error, source: str, chapters: dict[str, str]) -> CmError:
    """Typst's error as one line: `chapters/web20.md:12: file not found (…)` when it is a chapter's."""
    message = " ".join(str(getattr(error, "message", "") or error).split())
    line = typst_line(error)
    lines = source.splitlines()
    if line is None or not 0 < line <= len(lines):
        return Failed(f"typst could not make the PDF: {message}")
    chapter = None
    for text in reversed(lines[: line - 1]):
        if text.startswith(_MARKER_END):
            break
        if text.startswith(_MARKER):
            chapter = text[len(_MARKER) :].strip()
            break
    if chapter is None:
        return Failed(f"typst could not make the PDF (line {line} of its input): {message}")
    where = chapter_line(lines[line - 1], chapters.get(chapter, ""))
    return CmError(f"{chapter}{f':{where}' if where else ''}: {message}", "the PDF was not written")


def typst_line(error) -> int | None:
    """The line of Typst's input that the error points at (Typst counts from 1)."""
    for text in [getattr(error, "diagnostic", ""), *getattr(error, "trace", [])]:
        found = re.search(r"(?:main\.typ|<[^>]*>|\S+\.typ):(\d+):\d+", str(text))
        if found:
            return int(found[1])
    return None


def chapter_line(typst_text: str, chapter: str) -> int | None:
    """The chapter's line that a line of Typst came from: found by an image path or its words."""
    candidates = []
    for match in _TYPST_PATH.finditer(typst_text):  # an image: the path as typed, before typst.lua made
        parts = match[1].split("/")  # it relative to the book's folder (`chapters/img/a.png`)
        candidates += ["/".join(parts[start:]) for start in range(len(parts))]
    candidates.append(typst_text.strip())
    for candidate in candidates:
        if len(candidate) < 3:
            continue
        at = chapter.find(candidate)
        if at >= 0:
            return chapter.count("\n", 0, at) + 1
    return None
