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
from dataclasses import asdict, replace

from clientmilitant.core import model
from clientmilitant.core.errors import BookError
from clientmilitant.core.text import did_you_mean
from clientmilitant.core.words import count_words
from clientmilitant.services.check.content import check_content
from clientmilitant.services.check.findings import ERROR, SCHEMA_VERSION, WARNING, Finding, Report, chapter_file
from clientmilitant.services.check.links import check_links, pandoc_identifier
from clientmilitant.services.check.prose import prose_findings
from clientmilitant.storage import outline_file
from clientmilitant.storage.book import Book
from clientmilitant.storage.files import inside

__all__ = ["ERROR", "SCHEMA_VERSION", "WARNING", "Finding", "Report", "check_book", "pandoc_identifier"]

OVER_TARGET_RATIO = 1.5  # a chapter past 150% of its target is worth a warning
ADVANCED_STATUSES = ("draft", "revised", "final")


def check_book(book: Book, sweep: bool = False) -> Report:
    """Every finding in the book: errors first, then warnings; in each group outline.yaml by line,
    then the chapter files in the order of the book (files no section owns last), each by line.

    With `sweep`, what a killed cm left is settled first (check/state.py) and listed in `swept`."""
    if sweep:
        from clientmilitant.services.check.state import sweep as sweep_book

        swept = sweep_book(book)
        return replace(check_book(book), swept=[asdict(item) for item in swept])
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
    yield from check_links(outline, texts)
    yield from prose_findings(book, outline, texts)
    yield from check_content(outline, texts)
    yield from _check_safety(book, outline, texts)


def _check_safety(book: Book, outline: model.Outline, texts: dict[str, str]) -> Iterator[Finding]:
    """Files outside the book, active HTML, links that exports leave out (check/safety.py)."""
    from clientmilitant.services.check.safety import problems
    from clientmilitant.services.check.state import state_findings

    numbers = {located.section.id: located.number for located in model.walk(outline)}
    yield from state_findings(book)
    for file_id, text in texts.items():
        if file_id in numbers:
            for problem in problems(book, text):
                level, code, message, hint, line, column = problem
                file = chapter_file(file_id)
                yield Finding(level, code, message, hint, file, line, column, numbers[file_id], file_id)


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


def _chapter_id(file: str | None) -> str | None:
    """`chapters/web20.md` → `web20`; None for another file or none."""
    if file and file.startswith("chapters/") and file.endswith(".md"):
        return file[len("chapters/") : -len(".md")]
    return None


def _read_chapters(book: Book, texts: dict[str, str]) -> Iterator[Finding]:
    """Read every chapter file once; a file outside chapters/ or not UTF-8 is an error."""
    for file_id, path in sorted(book.chapter_files().items()):
        relative = chapter_file(file_id)
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
            file = chapter_file(section.id) if section.id in texts else "outline.yaml"
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
                chapter_file(file_id),
            )
