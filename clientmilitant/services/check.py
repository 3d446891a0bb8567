"""`cm check`: lint the whole book — outline, chapter files, links, sources, cover — into findings.

Errors are what would break the book or its export (an invalid outline, a link that leads nowhere,
a missing cover, a chapter outside chapters/); warnings are what the author probably wants to know
(text no section owns, a drafted section with no text, a source linked nowhere, a chapter far over
its target). Each finding names its place (file:line, and the section's number and id) and says
what to do. The JSON shape of `cm check --json` is documented in the README.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from typing import Any

from clientmilitant.core import chapter_scan, model
from clientmilitant.core.errors import BookError, NotFound
from clientmilitant.core.text import did_you_mean
from clientmilitant.core.words import blank_out_unread, count_words
from clientmilitant.storage import outline_file
from clientmilitant.storage.book import Book
from clientmilitant.storage.files import inside

SCHEMA_VERSION = 1
ERROR, WARNING = "error", "warning"
OVER_TARGET_RATIO = 1.5  # a chapter past 150% of its target is worth a warning
ADVANCED_STATUSES = ("draft", "revised", "final")

# Cross-links between chapters are written [text](#section-id); pandoc's reference links too.
_INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
_REFERENCE_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]*<?(\S+?)>?(?:[ \t].*)?$", re.M)
_HTML_HREF = re.compile(r"""<a\s[^>]*href\s*=\s*["']([^"']*)["']""", re.I)
_ATX_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*$", re.M)
_SETEXT_UNDERLINE = re.compile(r"^[ \t]{0,3}(?:=+|-+)[ \t]*$")
_ATTRIBUTES = re.compile(r"[ \t]*\{([^}]*)\}[ \t]*$")
_CLOSING_HASHES = re.compile(r"[ \t]+#+$")
_ATTRIBUTE_ID = re.compile(r"\{[^{}\n]*?#([^\s{}#]+)[^{}\n]*\}")  # `[texte]{#ici}`, `::: {#encadre .note}`
_LOCAL_MARKDOWN = re.compile(r"^(?:\.?/)?(?:chapters/)?([^/#?]+)\.md(?:#.*)?$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Finding:
    """One problem: how grave, what kind, where, what is wrong and what to do."""

    level: str  # ERROR or WARNING
    code: str  # a stable name for scripts: "broken-link", "unused-source"…
    message: str
    hint: str
    file: str | None = None  # relative to the book's folder
    line: int | None = None
    column: int | None = None
    number: str | None = None  # the section concerned, when there is one
    id: str | None = None

    @property
    def place(self) -> str:
        """`chapters/web20.md:3:12`, the form editors and terminals can jump to."""
        where = self.file or ""
        if self.file and self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        return where

    @property
    def section(self) -> str:
        return f"{self.number} {self.id}" if self.number else ""


@dataclass(frozen=True)
class Report:
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == WARNING]

    def data(self) -> dict[str, Any]:
        """The JSON shape of `cm check --json`."""
        return {
            "version": SCHEMA_VERSION,
            "ok": not self.errors,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [asdict(f) for f in self.findings],
        }


def check_book(book: Book) -> Report:
    """Every finding in the book: errors first, then warnings; in each group outline.yaml by line,
    then the chapter files in the order of the book (files no section owns last), each by line."""
    try:
        outline = book.load()
    except BookError as error:
        return Report([_schema_finding(book, error)])  # nothing else can be checked without the outline
    located_sections = list(model.walk(outline))
    position = {located.section.id: i for i, located in enumerate(located_sections)}
    numbers = {located.section.id: located.number for located in located_sections}

    def order(finding: Finding) -> tuple:
        chapter_id = _chapter_id(finding.file)
        return (
            finding.level != ERROR,
            chapter_id is not None,
            position.get(chapter_id or "", len(position)),
            finding.file or "",
            finding.line or 0,
            finding.column or 0,
        )

    findings = sorted(_findings(book, outline), key=order)
    for index, finding in enumerate(findings):  # a chapter's finding names its section too
        file_id = _chapter_id(finding.file)
        if finding.number is None and file_id in numbers:
            findings[index] = replace(finding, number=numbers[file_id], id=file_id)
    if book.outline_path.name != "outline.yaml":  # a book named by --outline PATH
        findings = [replace(f, file=book.outline_path.name) if f.file == "outline.yaml" else f for f in findings]
    return Report(findings)


def _findings(book: Book, outline: model.Outline) -> Iterator[Finding]:
    lines = outline_file.lines(book.outline_path.read_bytes(), book.display_name)
    texts: dict[str, str] = {}
    yield from _read_chapters(book, texts)
    yield from _check_book_meta(book, outline, lines)
    yield from _check_sections(outline, lines, texts)
    yield from _check_sources(outline, lines)
    yield from _check_orphans(outline, texts)
    yield from _check_links(outline, texts)
    yield from _check_chapter_content(outline, texts)


def _schema_finding(book: Book, error: BookError) -> Finding:
    """`outline.yaml:12:5: 'sections' must be a list` → a finding at that line and column."""
    message = error.message
    line = column = None
    prefix = book.display_name + ":"
    if message.startswith(prefix):
        message = message[len(prefix) :]
        place = re.match(r"(\d+)(?::(\d+))?:\s*", message)
        if place:
            line, column = int(place.group(1)), int(place.group(2)) if place.group(2) else None
            message = message[place.end() :]
        message = message.strip()
    code = "duplicate-id" if "duplicate id" in message else "schema"
    hint = error.hint or "fix outline.yaml there (see the schema in the README); cm checks nothing else until it loads"
    return Finding(ERROR, code, message, hint, book.outline_path.name, line, column)


def _chapter_file(section_id: str) -> str:
    return f"chapters/{section_id}.md"


def _chapter_id(file: str | None) -> str | None:
    """`chapters/web20.md` → `web20`; None for another file or none."""
    if file and file.startswith("chapters/") and file.endswith(".md"):
        return file[len("chapters/") : -len(".md")]
    return None


def _read_chapters(book: Book, texts: dict[str, str]) -> Iterator[Finding]:
    """Read every chapter file once; a file outside chapters/ or not UTF-8 is an error."""
    for file_id, path in sorted(book.chapter_files().items()):
        relative = _chapter_file(file_id)
        try:
            inside(book.root, path, "this chapter")
            inside(book.chapters_dir, path, "this chapter")
        except BookError:
            yield Finding(
                ERROR,
                "outside-chapters",
                "this chapter file is a link leading outside chapters/",
                "replace the link by the file itself: cm reads and exports only files inside chapters/",
                relative,
            )
            continue
        try:
            texts[file_id] = book.read_text(path, "this chapter")
        except BookError as error:
            line = re.search(r"\.md:(\d+):", error.message)
            yield Finding(
                ERROR,
                "unreadable-chapter",
                error.message.split(": ", 1)[-1],
                "save the file as UTF-8 text",
                relative,
                int(line.group(1)) if line else None,
            )


def _check_book_meta(book: Book, outline: model.Outline, lines: outline_file.Lines) -> Iterator[Finding]:
    meta = outline.book
    if not meta.title.strip():
        yield Finding(
            WARNING,
            "empty-title",
            "the book has no title",
            'cm book set title "…"',
            "outline.yaml",
            lines.book.get("title"),
        )
    if meta.cover:
        cover = book.root / meta.cover
        problem = None
        try:
            inside(book.root, cover, "the cover")
        except BookError:
            problem = "leads outside the book's folder"
        if problem is None and not cover.is_file():
            problem = "does not exist" if not cover.exists() else "is not a file"
        if problem:
            yield Finding(
                ERROR,
                "missing-cover",
                f"the cover '{meta.cover}' {problem}",
                "put the image there, or point to it: cm book set cover images/cover.jpg (or '' for none)",
                "outline.yaml",
                lines.book.get("cover"),
            )


def _check_sections(outline: model.Outline, lines: outline_file.Lines, texts: dict[str, str]) -> Iterator[Finding]:
    registry = {source.id for source in outline.sources}
    words = {section_id: count_words(text) for section_id, text in texts.items()}
    for located in model.walk(outline):
        section = located.section
        number, line = located.number, lines.sections.get(section.id)
        at = functools.partial(_section_finding, number=number, section_id=section.id, line=line)

        for source_id in section.sources:
            if source_id not in registry:
                close = did_you_mean(source_id, registry)
                meant = f"did you mean '{close}'? " if close else ""
                yield at(
                    ERROR,
                    "dangling-source",
                    f"links the source '{source_id}', which is not in the registry",
                    f"{meant}add it under `sources:` at the end of outline.yaml, or take it out of the section's"
                    " sources",
                )
        total = sum(words.get(node.id, 0) for node in model.subtree(section))
        if section.effective_status in ADVANCED_STATUSES and total == 0:
            yield at(
                WARNING,
                "empty-chapter",
                f"is '{section.effective_status}' but has no text",
                f"write it (cm chapter edit {number}) or set it back: cm section set {number} --status idea",
            )
        if section.target and total > OVER_TARGET_RATIO * section.target:
            file = _chapter_file(section.id) if section.id in texts else "outline.yaml"
            yield at(
                WARNING,
                "over-target",
                f"has {total:,} words, {round(100 * total / section.target)}% of its {section.target:,}-word target",
                f"cut or split it, or raise the target: cm section set {number} --target {_round_up(total)}",
                file=file,
                line=None if file != "outline.yaml" else line,
            )


def _section_finding(
    level: str,
    code: str,
    message: str,
    hint: str,
    *,
    number: str,
    section_id: str,
    line: int | None,
    file: str = "outline.yaml",
) -> Finding:
    """A finding about a section: at its line of outline.yaml unless another file is given."""
    return Finding(level, code, message, hint, file, line, None, number, section_id)


def _round_up(words: int) -> int:
    """A target to suggest: the words written, rounded up to the hundred."""
    return math.ceil(words / 100) * 100


def _check_sources(outline: model.Outline, lines: outline_file.Lines) -> Iterator[Finding]:
    linked = {source_id for located in model.walk(outline) for source_id in located.section.sources}
    for source in outline.sources:
        if source.id not in linked:
            yield Finding(
                WARNING,
                "unused-source",
                f"the source '{source.id}' is linked to no section",
                "add its id to the `sources:` of the section it feeds, or remove it from the registry",
                "outline.yaml",
                lines.sources.get(source.id),
            )


def _check_orphans(outline: model.Outline, texts: dict[str, str]) -> Iterator[Finding]:
    owned = model.section_ids(outline)
    for file_id in texts:
        if file_id not in owned:
            close = did_you_mean(file_id, owned)
            meant = f"was it the text of '{close}'? " if close else ""
            yield Finding(
                WARNING,
                "orphan-chapter",
                "no section owns this file: it is left out of the book",
                f'{meant}give it a section (cm section add "…" --id {file_id}) or move it out of chapters/'
                if model.is_valid_id(file_id)
                else f"{meant}rename it to chapters/<section-id>.md, or move it out of chapters/",
                _chapter_file(file_id),
            )


def _check_links(outline: model.Outline, texts: dict[str, str]) -> Iterator[Finding]:
    """Links to `#id` must name a section or a heading of the same chapter, as the export resolves
    them (each chapter's ids are its own: the export prefixes them with the section's id). Inside a
    chapter, two headings must not be given the same {#id}, and one that takes a section's id hides
    that section from the chapter's links."""
    by_id = {located.section.id: located for located in model.walk(outline)}
    # Orphan files are left out: not part of the book, never exported (reported as orphans).
    owned = sorted((file_id for file_id in texts if file_id in by_id), key=lambda file_id: by_id[file_id].path)
    visible = {file_id: blank_out_unread(texts[file_id]) for file_id in owned}
    headings = {file_id: list(_headings(visible[file_id])) for file_id in owned}
    local_ids = {
        file_id: {heading_id for heading_id, _, _ in headings[file_id]} | set(_ATTRIBUTE_ID.findall(visible[file_id]))
        for file_id in owned
    }
    for file_id in owned:
        file, number, section_id = _chapter_file(file_id), by_id[file_id].number, file_id
        explicit_lines: dict[str, int] = {}
        for heading_id, explicit, offset in headings[file_id]:
            if not explicit:
                continue
            line = _line(visible[file_id], offset)
            if heading_id in explicit_lines:
                yield Finding(
                    ERROR,
                    "duplicate-id",
                    f"two headings of this chapter have the id '#{heading_id}' (the first at line "
                    f"{explicit_lines[heading_id]})",
                    "give this heading another {#id}: links could not tell them apart",
                    file,
                    line,
                    None,
                    number,
                    section_id,
                )
            elif heading_id in by_id and heading_id != file_id:
                yield Finding(
                    WARNING,
                    "hidden-section",
                    f"the heading id '#{heading_id}' is also the id of section {by_id[heading_id].number}: "
                    f"in this chapter, links to #{heading_id} lead to this heading",
                    "give this heading another {#id} if links here should reach the section",
                    file,
                    line,
                    None,
                    number,
                    section_id,
                )
            explicit_lines.setdefault(heading_id, line)
        anchors = set(by_id) | local_ids[file_id]  # the export knows a chapter's own ids inside it only
        for target, offset in _link_targets(visible[file_id]):
            problem = _link_problem(target, anchors, outline)
            if problem:
                message, hint = problem
                line, column = _line(visible[file_id], offset), _column(visible[file_id], offset)
                yield Finding(ERROR, "broken-link", message, hint, file, line, column, number, section_id)


def _check_chapter_content(outline: model.Outline, texts: dict[str, str]) -> Iterator[Finding]:
    """Front matter (never printed: the export leaves it out) and images without alternative text
    (an accessibility failure the EPUB's metadata then admits) in the book's chapters."""
    owned = model.section_ids(outline)
    for file_id in (file_id for file_id in texts if file_id in owned):
        file, text = _chapter_file(file_id), texts[file_id]
        found = chapter_scan.front_matter(text)
        if found:
            yield Finding(
                ERROR,
                "front-matter",
                f"front matter ({', '.join(found.keys)}) at the top of a chapter: the export leaves it out",
                "delete it: a chapter's title is its section's (cm section rename), the book's metadata is cm book set",
                file,
                found.first_line,
            )
        for image in chapter_scan.images(text):
            if not image.alt:
                yield Finding(
                    ERROR,
                    "image-without-alt",
                    f"the image '{image.target}' has no alternative text: a reader who cannot see it gets nothing",
                    "describe it between the brackets: ![what the image shows](" + image.target + ")",
                    file,
                    image.line,
                )


def _link_problem(target: str, anchors: set[str], outline: model.Outline) -> tuple[str, str] | None:
    """Why a link target is broken (message, hint), or None when it is fine or not a book link."""
    if target.startswith("#"):
        anchor = target[1:]
        if anchor in anchors:
            return None
        message = f"the link to '{target}' leads nowhere: no section, and nothing in this chapter, has that id"
        if model.NUMBER_PATTERN.fullmatch(anchor):
            try:
                located = model.find(outline, anchor)
                return message, f"link by id, which never changes: (#{located.section.id})"
            except NotFound:
                pass
        close = did_you_mean(anchor, anchors)
        hint = f"did you mean (#{close})? " if close else ""
        return message, hint + "link to a section as [text](#section-id); `cm outline show` lists the ids"
    local = _LOCAL_MARKDOWN.match(target)
    if local and not _SCHEME.match(target):
        return (
            f"the link to '{target}' points to a file, which does not exist in the exported book",
            f"link to the section instead: [text](#{local.group(1)})",
        )
    return None


def _link_targets(visible: str) -> Iterator[tuple[str, int]]:
    for pattern in (_INLINE_LINK, _REFERENCE_DEFINITION, _HTML_HREF):
        for match in pattern.finditer(visible):
            yield match.group(1), match.start(1)


def _headings(visible: str) -> Iterator[tuple[str, bool, int]]:
    """(id, written explicitly?, offset) of each heading, ids made as pandoc's auto_identifiers
    makes them (duplicates get -1, -2…)."""
    found: list[tuple[str, int]] = []
    for match in _ATX_HEADING.finditer(visible):
        found.append((_CLOSING_HASHES.sub("", match.group(1)), match.start()))
    lines = visible.split("\n")
    offset = 0
    for index, line in enumerate(lines[:-1]):
        following = lines[index + 1]
        previous = lines[index - 1] if index else ""
        if (
            line.strip()
            and not previous.strip()
            and _SETEXT_UNDERLINE.match(following)
            and not line.lstrip().startswith(("#", "-", "*", ">"))
        ):
            found.append((line.strip(), offset))
        offset += len(line) + 1
    used: dict[str, int] = {}
    for text, start in sorted(found, key=lambda item: item[1]):
        attributes = _ATTRIBUTES.search(text)
        explicit = None
        if attributes:
            text = text[: attributes.start()]
            explicit = next((a[1:] for a in attributes.group(1).split() if a.startswith("#")), None)
        if explicit:
            yield explicit, True, start
            continue
        base = pandoc_identifier(text)
        count = used.get(base, 0)
        used[base] = count + 1
        yield (f"{base}-{count}" if count else base), False, start


def pandoc_identifier(heading: str) -> str:
    """The id pandoc's auto_identifiers extension gives a heading (pandoc manual, "Extension:
    auto_identifiers"): formatting and link targets dropped, only letters, digits and `_-.` kept,
    spaces to hyphens, lower case, nothing before the first letter; `section` if nothing is left.
    Checked against pandoc 3.9: a footnote mark leaves its label (`Note[^a]` → `notea`), and
    `--`/`---` are dashes (smart typography) that disappear."""
    text = re.sub(r"\[\^([^\]]*)\]", r"\1", heading)
    text = re.sub(r"-{2,}", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*`]|(?<!\w)_+|_+(?!\w)", "", text)
    text = "".join(c for c in text if c.isalnum() or c in "_-. \t\n")
    text = re.sub(r"\s+", "-", text.strip()).lower()
    first_letter = next((i for i, c in enumerate(text) if c.isalpha()), len(text))
    return text[first_letter:] or "section"


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _column(text: str, offset: int) -> int:
    return offset - (text.rfind("\n", 0, offset) + 1) + 1
