"""The plan as a blog post, for readers to comment on: Markdown in the shape of the post, or HTML.

The shape is the post of 31 December 2007 (« Le client militant : le plan »): `1 - Title` for a
part, `1.1 - Title` for a section (every level is numbered, as `cm outline show` numbers it),
`-> point` lines under it, and the posts a section cites as links on their own lines. The
Markdown keeps that plain shape: one block per section, its lines ended by a hard line break (two
spaces) so that a Markdown renderer keeps one line per point. The HTML is a fragment for a blog
editor (no <html> or <body>): the plan as nested lists, every text escaped.

Pure but for one thing: the Markdown intro of the HTML fragment goes through pandoc, imported
only when there is an intro.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from clientmilitant.core import model
from clientmilitant.core.errors import CmError, NotFound, Refused
from clientmilitant.storage.book import Book
from clientmilitant.storage.files import atomic_write, display_path

FORMATS = ("markdown", "html")
LINK_SCHEMES = ("http", "https", "ftp", "mailto")  # never `javascript:` in a fragment pasted into a blog
HARD_BREAK = "  \n"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<])")
_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")
MAX_INTRO_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Link:
    """A cited source post: its address and what the reader sees (its title, else the address)."""

    url: str
    label: str

    @property
    def linkable(self) -> bool:
        return urlsplit(self.url).scheme.lower() in LINK_SCHEMES


@dataclass(frozen=True)
class Entry:
    """One section as published: its number, title, points and links, and its entries below."""

    number: str
    title: str
    points: tuple[str, ...]
    links: tuple[Link, ...]
    sections: tuple[Entry, ...]


def plan_entries(outline: model.Outline, depth: int | None = None, points: bool = True) -> list[Entry]:
    """The sections to publish, numbered; `depth` keeps the first levels, `points=False` drops points."""
    registry = {source.id: source for source in outline.sources}

    def links(section: model.Section) -> tuple[Link, ...]:
        found = []
        for source_id in section.sources:
            source = registry.get(source_id)
            if source is not None and (source.url or source.title):
                found.append(Link(source.url, source.title or source.url))
        return tuple(found)

    def entry(section: model.Section, path: tuple[int, ...]) -> Entry:
        children = section.sections if depth is None or len(path) < depth else []
        return Entry(
            number=model.format_number(path),
            title=one_line(section.title),
            points=tuple(one_line(point) for point in section.points) if points else (),
            links=links(section),
            sections=tuple(entry(child, (*path, i)) for i, child in enumerate(children, start=1)),
        )

    return [entry(part, (i,)) for i, part in enumerate(outline.parts, start=1)]


def one_line(text: str) -> str:
    """A title or point on one line (a quoted YAML value can hold a line break): the post's shape
    is one line per heading and per point."""
    return _LINE_BREAK.sub(" ", text.strip())


def export_plan(
    outline: model.Outline,
    fmt: str = "markdown",
    depth: int | None = None,
    points: bool = True,
    intro: str | None = None,
) -> str:
    """The plan as a post in `fmt` (markdown or html), with the Markdown `intro` above it."""
    if fmt not in FORMATS:
        raise CmError(f"no export format '{fmt}'", f"use one of: {', '.join(FORMATS)}")
    if depth is not None and depth < 1:
        raise CmError(f"--depth must be 1 or more, not {depth}")
    entries = plan_entries(outline, depth, points)
    if fmt == "html":
        return to_html(entries, intro)
    return to_markdown(entries, intro)


# --- Markdown ------------------------------------------------------------------------------------


def escape_markdown(text: str) -> str:
    """Text that renders as written: only the characters that would start markup are escaped.

    Lines begin with `1 - ` or `-> `, so `#`, `>`, `+` and list markers never start a line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown_link(link: Link) -> str:
    if not link.linkable:
        return escape_markdown(link.label)
    url = quote(link.url, safe=":/?#@!$&'*+,;=%~-._")  # spaces, parentheses and brackets would end the link
    if link.label == link.url:
        return f"<{url}>"
    return f"[{escape_markdown(link.label)}]({url})"


def to_markdown(entries: list[Entry], intro: str | None = None) -> str:
    """`1 - Title`, `-> point` and link lines: one block per section, blank lines between blocks."""
    blocks = [intro.strip()] if intro and intro.strip() else []

    def add(entry: Entry) -> None:
        lines = [f"{entry.number} - {escape_markdown(entry.title)}"]
        lines += [f"-> {escape_markdown(point)}" for point in entry.points]
        lines += [markdown_link(link) for link in entry.links]
        blocks.append(HARD_BREAK.join(lines))
        for child in entry.sections:
            add(child)

    for entry in entries:
        add(entry)
    return "\n\n".join(blocks) + "\n"


# --- HTML ----------------------------------------------------------------------------------------


def escape_html(text: str) -> str:
    """Element text: `<`, `>` and `&` escaped; quotes and apostrophes stay as typed (French is full of them)."""
    return html.escape(text, quote=False)


def escape_attribute(text: str) -> str:
    """An attribute value between double quotes: `<`, `>`, `&` and both quotes escaped."""
    return html.escape(text, quote=True)


def html_link(link: Link) -> str:
    if not link.linkable:
        return escape_html(link.label)
    return f'<a href="{escape_attribute(link.url)}">{escape_html(link.label)}</a>'


def to_html(entries: list[Entry], intro: str | None = None) -> str:
    """The plan as nested lists: a section is an item with its numbered title in bold, its points
    (and cited posts) in a list under it, then its sub-sections in another."""
    out: list[str] = []
    if intro and intro.strip():
        out.append(markdown_to_html(intro).strip())

    def items(level: list[Entry], indent: str) -> None:
        out.append(f'{indent}<ul class="cm-plan">' if not indent else f"{indent}<ul>")
        for entry in level:
            out.append(f"{indent}  <li><strong>{escape_html(entry.number)} - {escape_html(entry.title)}</strong>")
            if entry.points or entry.links:
                out.append(f"{indent}    <ul>")
                out.extend(f"{indent}      <li>{escape_html(point)}</li>" for point in entry.points)
                out.extend(f"{indent}      <li>{html_link(link)}</li>" for link in entry.links)
                out.append(f"{indent}    </ul>")
            if entry.sections:
                items(list(entry.sections), indent + "    ")
            out.append(f"{indent}  </li>")
        out.append(f"{indent}</ul>")

    if entries:
        items(entries, "")
    return "\n".join(out) + "\n"


# Raw HTML in the intro is escaped, not passed on; no `smart`: pandoc would turn "…" into English
# curly quotes, and the author's quotes stay as typed.
INTRO_FORMAT = "markdown-raw_html-raw_attribute-smart"


def markdown_to_html(text: str) -> str:
    """The author's Markdown intro as HTML, by pandoc."""
    from clientmilitant.services.export.pandoc import convert_text

    return convert_text(text, "html", INTRO_FORMAT, "the --intro text")


# --- the intro file ------------------------------------------------------------------------------


def read_intro(path: Path) -> str:
    """The text of an --intro file (UTF-8), or a one-line error naming it."""
    where = display_path(path)
    try:
        if path.is_dir():
            raise Refused(f"{where}: is a folder; --intro takes a text file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{where}: no such file") from None
    except OSError as error:
        raise CmError(f"{where}: cannot read: {error.strerror}") from None
    if len(data) > MAX_INTRO_BYTES:
        raise Refused(f"{where}: {len(data) // 1024} KB is long for an introduction; is this the right file?")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CmError(f"{where}:{line}: not UTF-8; save it as UTF-8") from None


# --- publishing: the plan to stdout or to a file ------------------------------------------------------


class BadOutput(CmError):
    """An output path the plan cannot be written to (a folder, one of the book's own files)."""


def publish_plan(
    book: Book, fmt: str, depth: int | None, points: bool, intro: Path | None, output: Path | None
) -> str | None:
    """The plan as a post: returned as text when `output` is None, else written there atomically."""
    intro_text = read_intro(intro) if intro is not None else None
    text = export_plan(book.load(), fmt, depth, points, intro_text)
    if output is None:
        return text
    if output.is_dir():
        raise BadOutput(f"{display_path(output)} is a folder; give a file name")
    book.refuse_own_file(output)  # outline.yaml, feedback.yaml, chapters/, sources/, removed/, .cm/
    atomic_write(output, text)
    return None
