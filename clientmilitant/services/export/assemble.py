"""The book → the one Markdown document pandoc reads, with its metadata typed. Pure: no files, no pandoc.

The document, in outline order:

    ---                                   metadata, every value a quoted string (`title: "NO"`)
    ---
    # [1]{.cm-number} Title {#part-id}    one heading per section, level = depth, id = section id
    ````{.cm-chapter file=… section=… level=…}
    the chapter's Markdown, untouched     read on its own by filters/chapters.lua
    ````
    ::: cm-sources                        the section's linked sources
    # Sources {#cm--sources}              every source, in order of first use

Chapters travel as code blocks so that pandoc parses each one alone (see filters/chapters.lua):
their footnotes, identifiers and `---` lines cannot leak into the rest of the book.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from clientmilitant.core import chapter_scan, dates, model
from clientmilitant.core.errors import CmError, Failed, NotFound

MAX_HEADING_LEVEL = 6
SOURCES_ID = "cm--sources"  # a section id never holds "--", so this cannot clash with one
LABELS = {
    "fr": {"toc": "Table des matières", "draft": "À écrire :", "sources": "Sources et crédits",
           "section_sources": "Sources :", "quoted": "Textes cités :", "readers": "Commentaires de lecteurs cités :",
           "on": "sur"},
    "en": {"toc": "Contents", "draft": "To write:", "sources": "Sources and credits", "section_sources": "Sources:",
           "quoted": "Quoted texts:", "readers": "Readers' comments quoted:", "on": "on"},
}  # fmt: skip
# Markdown punctuation that could turn the author's plain text (a title, a point) into markup.
_MARKUP = re.compile(r"([\\`*_\[\]{}<>#|~^$@&])")
_ASCII_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_LIST_START = re.compile(r"^(\d+)([.)])(?=\s|$)|^([-+*])(?=\s|$)")  # would start a list
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_FENCE = re.compile(r"^[ \t]*(```|~~~).*?(?:^[ \t]*\1[^\n]*$|\Z)", re.S | re.M)
_CODE_FENCE_LINE = re.compile(r"^ {0,3}(`{3,})", re.M)
# `[text](#id)`, `[text](#id "title")` and reference definitions `[ref]: #id`.
_SECTION_LINK = re.compile(r"\]\(\s*#([^\s)]+)[^)]*\)|^[ \t]{0,3}\[[^\]]+\]:[ \t]*#(\S+)", re.M)


@dataclass(frozen=True)
class Selection:
    """Which sections to export: parts and other REFs (with their sub-sections), statuses; empty means all."""

    parts: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()


@dataclass
class Exported:
    """A section in the export: `full` when its text goes in, else its heading only (an ancestor)."""

    located: model.Located
    full: bool


@dataclass
class Assembly:
    """What pandoc gets: the document, and what cm needs to talk about it."""

    markdown: str
    metadata: dict[str, str]
    depth: int  # the deepest outline level exported: EPUB files are split there
    sections: list[Exported] = field(default_factory=list)
    chapter_files: list[str] = field(default_factory=list)  # in the order pandoc reads them
    sources: list[model.Source] = field(default_factory=list)


def labels(lang: str) -> dict[str, str]:
    """Words cm adds to the book, in its language: French, else English."""
    return LABELS["fr"] if lang.lower().startswith("fr") else LABELS["en"]


def markdown_text(text: str) -> str:
    """The author's plain text (a title, a point) as Markdown that pandoc reads back as the same text."""
    text = _ASCII_SPACES.sub(" ", text).strip(" ")  # a no-break space (U+00A0, U+202F) stays
    text = _MARKUP.sub(r"\\\1", text)
    return _LIST_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text, count=1)


def metadata_block(
    metadata: dict[str, str], typed_titles: bool = False, lists: dict[str, list[str] | str] | None = None
) -> str:
    """A YAML metadata block whose values stay strings: each one is double-quoted (JSON is YAML),
    so `NO`, `1.10` or `2007-12-13` are never re-typed by pandoc or by a later reader.

    `typed_titles` (EPUB): with a subtitle, `title` is the list of a main and a subtitle title, the
    only form pandoc writes into the OPF as two `dc:title` refined by `title-type`."""

    def quoted(value: str) -> str:
        return json.dumps(markdown_text(value), ensure_ascii=False)

    lines = []
    for key, value in metadata.items():
        if not value:
            continue
        if key == "title" and typed_titles and metadata.get("subtitle"):
            lines += ["title:", '- type: "main"', f"  text: {quoted(value)}"]
            lines += ['- type: "subtitle"', f"  text: {quoted(metadata['subtitle'])}"]
        else:
            lines.append(f"{key}: {quoted(value)}")
    for key, values in (lists or {}).items():  # e.g. the EPUB's accessibility metadata
        if isinstance(values, str):
            lines.append(f"{key}: {quoted(values)}")
        else:
            lines += [f"{key}:"] + [f"- {quoted(value)}" for value in values]
    return "---\n" + "\n".join(lines) + "\n---\n"


def book_metadata(book: model.BookMeta, identifier: str = "") -> dict[str, str]:
    """The metadata pandoc puts in every format; `identifier` overrides the book's (a new one)."""
    lang = book.lang or "fr-FR"
    return {
        "title": book.title,
        "subtitle": book.subtitle,
        "author": book.author,
        "lang": lang,
        "date": book.date,
        "rights": book.rights,
        "publisher": book.publisher,
        "identifier": identifier or book.identifier,
        "toc-title": labels(lang)["toc"],
    }


def select(outline: model.Outline, selection: Selection) -> list[Exported]:
    """The sections to export in outline order. A chosen section brings its sub-sections; its
    ancestors come as headings only, so that levels and numbers stay those of the whole book."""
    statuses = tuple(model.check_status(status) for status in selection.statuses)
    chosen: set[str] = set()
    for ref in selection.parts:
        located = model.find(outline, ref)
        if located.depth != 1:
            raise CmError(f"--part {ref}: section {located.number} is not a part", "use --only for a section")
        chosen.update(section.id for section in model.subtree(located.section))
    for ref in selection.refs:
        chosen.update(section.id for section in model.subtree(model.find(outline, ref).section))
    if not selection.parts and not selection.refs:
        chosen = model.section_ids(outline)
    if statuses:
        chosen = {
            located.section.id
            for located in model.walk(outline)
            if located.section.id in chosen and located.section.effective_status in statuses
        }
    if not chosen:
        wanted = f" with status {', '.join(statuses)}" if statuses else ""
        raise CmError(f"no section to export{wanted}", "see `cm outline show` for statuses")
    exported, kept = [], set(chosen)
    for located in model.walk(outline):
        if located.section.id in chosen:
            kept.update(ancestor_ids(outline, located))
    for located in model.walk(outline):
        if located.section.id in kept:
            exported.append(Exported(located, located.section.id in chosen))
    return exported


def ancestor_ids(outline: model.Outline, located: model.Located) -> list[str]:
    ids, siblings = [], outline.parts
    for position in located.path[:-1]:
        section = siblings[position - 1]
        ids.append(section.id)
        siblings = section.sections
    return ids


def has_text(chapter: str | None) -> bool:
    """A chapter with nothing but HTML comments (the template's plan) and blank lines has no text yet."""
    return bool(chapter) and bool(_COMMENT.sub("", chapter).strip())


def section_links(chapter: str) -> list[tuple[int, str]]:
    """The `#anchor` targets of a chapter's links, with their line numbers (code is skipped)."""
    blanked = _FENCE.sub(lambda m: "\n" * m[0].count("\n"), _COMMENT.sub(lambda m: "\n" * m[0].count("\n"), chapter))
    return [(blanked.count("\n", 0, m.start()) + 1, m[1] or m[2]) for m in _SECTION_LINK.finditer(blanked)]


def check_links(outline: model.Outline, exported: list[Exported], chapters: dict[str, str | None]) -> None:
    """A link to a section this export leaves out would dangle: say where, before pandoc runs."""
    numbers = {located.section.id: located.number for located in model.walk(outline)}
    present = {entry.located.section.id for entry in exported}
    problems = []
    for entry in exported:
        section_id = entry.located.section.id
        text = chapters.get(section_id)
        if not entry.full or not has_text(text):
            continue
        for line, target in section_links(text):  # type: ignore[arg-type]
            if target in numbers and target not in present:
                problems.append(
                    f"chapters/{section_id}.md:{line}: links to section {numbers[target]} ({target}), "
                    "which this export leaves out"
                )
    if problems:
        raise Failed("\n".join(problems), "export that section too, or remove the link")


def fence_for(text: str) -> str:
    """Backticks longer than any fence inside the chapter, so that the chapter cannot close it."""
    longest = max((len(m[1]) for m in _CODE_FENCE_LINE.finditer(text)), default=2)
    return "`" * max(3, longest + 1)


def linked_source(outline: model.Outline, located: model.Located, source_id: str) -> model.Source:
    try:
        return model.find_source(outline, source_id)
    except NotFound as error:
        raise NotFound(f"section {located.number} ({located.section.id}): {error.message}", error.hint) from None


def source_entry(source: model.Source, lang: str) -> str:
    """One source as a list item: title, author, date (« 13 décembre 2007 » in a French book), link."""
    title = markdown_text(source.title) if source.title else ""
    date = markdown_text(dates.spelled_date(source.date, lang)) if source.date else ""
    details = [f"*{title}*" if title else "", markdown_text(source.author), date]
    if source.url:
        details.append(f"<{source.url}>")
    elif source.site:
        details.append(markdown_text(source.site))
    return "- " + ", ".join(detail for detail in details if detail)


def credit_entry(credit, words: dict[str, str]) -> str:
    """A quoted text (services.credits.Credit): author, title (or the post a comment was left on), date, link."""
    title = f"*{markdown_text(credit.title)}*" if credit.title else ""
    if credit.kind != "post" and title:
        title = f"{words['on']} {title}"
    details = [
        markdown_text(credit.author) or "?",
        title,
        markdown_text(credit.date),
        f"<{credit.url}>" if credit.url else "",
    ]
    return "- " + ", ".join(detail for detail in details if detail)


def credit_lists(credits: list, words: dict[str, str]) -> str:
    """The credits under the sources: quoted posts, then readers' comments and feedback, each once."""
    blocks = []
    for label, kinds in (("quoted", ("post",)), ("readers", ("comment", "feedback"))):
        entries = dict.fromkeys(credit_entry(c, words) for c in credits if c.kind in kinds)
        if entries:
            blocks.append(f"\n{words[label]}\n\n" + "\n".join(entries) + "\n")
    return "".join(blocks)


def assemble(
    outline: model.Outline,
    exported: list[Exported],
    chapters: dict[str, str | None],
    drafts: bool = False,
    identifier: str = "",
    typed_titles: bool = False,
    lists: dict[str, list[str] | str] | None = None,
    credits: list | None = None,
) -> Assembly:
    """The pandoc input for the `exported` sections (see `select`); `chapters` maps their ids to their
    text (None: no file yet); `lists` is more metadata, lists of strings (or strings)."""
    check_links(outline, exported, chapters)
    metadata = book_metadata(outline.book, identifier)
    depth = min(max(entry.located.depth for entry in exported), MAX_HEADING_LEVEL)
    blocks = [metadata_block(metadata, typed_titles, lists)]
    assembly = Assembly("", metadata, depth, exported)
    used_sources: dict[str, model.Source] = {}
    for entry in exported:
        block, file, sources = section_block(outline, entry, chapters.get(entry.located.section.id), drafts)
        blocks.append(block)
        if file:
            assembly.chapter_files.append(file)
        for source in sources:
            used_sources.setdefault(source.id, source)
    if used_sources or credits:
        assembly.sources = list(used_sources.values())
        blocks.append(sources_chapter(assembly.sources, metadata["lang"], credits or []))
    assembly.markdown = "\n".join(blocks)
    return assembly


def section_block(
    outline: model.Outline, entry: Exported, text: str | None, drafts: bool
) -> tuple[str, str | None, list[model.Source]]:
    """One section's Markdown (heading, chapter, linked sources), its chapter file when its text goes
    in, and its linked sources. `cm preview` renders sections one by one with it. The chapter's
    headings go right under the section's level; a front matter at its top is left out."""
    located, section = entry.located, entry.located.section
    words = labels(outline.book.lang or "fr-FR")
    level = min(located.depth, MAX_HEADING_LEVEL)
    classes = " .cm-part" if located.depth == 1 else ""
    number = f"[{located.number}]{{.cm-number}}"
    blocks = [f"{'#' * level} {number} {markdown_text(section.title)} {{#{section.id}{classes}}}\n"]
    if not entry.full:
        return "\n".join(blocks), None, []
    file = None
    text = chapter_scan.without_front_matter(text or "")
    if has_text(text):
        fence = fence_for(text)  # type: ignore[arg-type]
        file = f"chapters/{section.id}.md"
        body = text if text.endswith("\n") else text + "\n"  # type: ignore[union-attr]
        attributes = f'file="{file}" section="{section.id}" level="{min(level + 1, MAX_HEADING_LEVEL)}"'
        blocks.append(f"{fence}{{.cm-chapter {attributes}}}\n{body}{fence}\n")
    elif drafts and section.points:
        items = "\n".join(f"- {markdown_text(point)}" for point in section.points)
        blocks.append(f"::: cm-draft\n*{words['draft']}*\n\n{items}\n:::\n")
    sources = [linked_source(outline, located, source_id) for source_id in section.sources]
    if sources:
        items = "\n".join(source_entry(source, outline.book.lang or "fr-FR") for source in sources)
        blocks.append(f"::: cm-sources\n{words['section_sources']}\n\n{items}\n:::\n")
    return "\n".join(blocks), file, sources


def sources_chapter(sources: list[model.Source], lang: str, credits: list | None = None) -> str:
    """The « Sources et crédits » chapter that ends the book: every source used, in order of first
    use, then the quoted posts and readers (services.credits)."""
    words = labels(lang)
    items = "\n".join(source_entry(source, lang) for source in sources)
    return f"# {words['sources']} {{#{SOURCES_ID} .cm-part}}\n\n{items}\n{credit_lists(credits or [], words)}"
