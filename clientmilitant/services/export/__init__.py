"""Exporting the book through pandoc: Markdown manuscript, EPUB 3, docx, standalone HTML, PDF (via Typst).

The pipeline: load the outline and the chapter files → `assemble` (pure: one Markdown document with
typed metadata) → `pandoc.run` (one pandoc process, cm's Lua filters) → the file, written atomically.
`export_book` is the service the CLI calls; it returns plain data and reports its steps to a
`progress` callback instead of printing.
"""

from __future__ import annotations

import html
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientmilitant.core import chapter_scan, dates, model
from clientmilitant.core.errors import CmError, Failed, NotFound
from clientmilitant.services.resources import media_map
from clientmilitant.storage.book import Book
from clientmilitant.storage.files import atomic_write, display_path, inside

if TYPE_CHECKING:
    from clientmilitant.services.export.epub import Images

FORMATS = {"markdown": "md", "epub": "epub", "docx": "docx", "html": "html", "pdf": "pdf"}
PACKAGE = Path(__file__).parent
DEFAULT_CSS = PACKAGE / "epub.css"
CHAPTERS_FILTER = PACKAGE / "filters" / "chapters.lua"
FRENCH_FILTER = PACKAGE / "filters" / "french.lua"
SAFETY_FILTER = PACKAGE / "filters" / "safety.lua"
SANDBOXED = ("html", "docx", "markdown")  # see pandoc_arguments
TOC_DEPTH = 2
# pandoc's code colours (#60a0b0 on white…) fail WCAG 2.1 AA contrast (Ace: color-contrast); a book's
# code is quoted text, set in the body's colour.
NO_HIGHLIGHT = ["--syntax-highlighting=none"]


@dataclass
class ExportOptions:
    """What `cm export FORMAT …` asks for."""

    format: str
    output: Path | None = None
    parts: tuple[str, ...] = ()  # --part
    refs: tuple[str, ...] = ()  # --only
    statuses: tuple[str, ...] = ()
    drafts: bool = False
    french_typography: bool = True
    css: Path | None = None
    pandoc: str | None = None


@dataclass
class ExportResult:
    """What an export produced, for the CLI to show (or print as JSON)."""

    format: str
    output: Path
    sections: list[dict] = field(default_factory=list)  # number, id, title, text (bool)
    chapters: int = 0
    sources: int = 0
    warnings: list[str] = field(default_factory=list)
    identifier: str = ""
    identifier_created: bool = False
    french_typography: bool = False

    def data(self) -> dict[str, Any]:
        """The JSON shape of `cm export … --json` (README, "JSON output")."""
        return {
            "version": 1,
            "format": self.format,
            "output": str(self.output),
            "sections": self.sections,
            "chapters": self.chapters,
            "sources": self.sources,
            "identifier": self.identifier,
            "identifier_created": self.identifier_created,
            "french_typography": self.french_typography,
            "warnings": self.warnings,
        }


def default_output(book: Book, title: str, fmt: str) -> Path:
    """`build/<slug of the title>.<ext>` in the book's folder."""
    return book.root / "build" / f"{model.slugify(title or 'book')}.{FORMATS[fmt]}"


# long: the export pipeline in order (read → assemble → pandoc → typst → write), one call per step
def export_book(
    book: Book, options: ExportOptions, progress: Callable[[str], None] = lambda step: None
) -> ExportResult:
    """Export the book; nothing is written (output or outline) unless pandoc succeeds."""
    from clientmilitant.core.untrusted import strip_controls
    from clientmilitant.services.export import assemble, pandoc
    from clientmilitant.services.export import epub as epub_finish

    if options.format not in FORMATS:
        raise CmError(f"no export format '{options.format}'", f"one of: {', '.join(FORMATS)}")
    progress("reading the book")
    outline = book.load()
    output = options.output or default_output(book, outline.book.title, options.format)
    if options.output is None:
        book.folder("build")  # a build/ leading out of the book is never written through
    book.refuse_own_file(output)
    exported = assemble.select(outline, assemble.Selection(options.parts, options.refs, options.statuses))
    chapters = {
        entry.located.section.id: book.chapter_text(entry.located.section.id) for entry in exported if entry.full
    }
    new_identifier = ""
    if options.format == "epub" and not outline.book.identifier:
        new_identifier = f"urn:uuid:{uuid.uuid4()}"
    progress(f"assembling {len(exported)} sections")
    epub = options.format == "epub"
    scan_warnings = chapter_warnings(chapters)
    images = images_of(chapters)
    lang, cover = outline.book.lang or "fr-FR", bool(outline.book.cover)
    accessibility = epub_finish.accessibility_metadata(lang, images, cover) if epub else None
    assembly = assemble.assemble(
        outline,
        exported,
        chapters,
        options.drafts,
        new_identifier,
        typed_titles=epub,
        lists=accessibility,
        credits=quoted(book, outline, chapters),
    )
    french = options.french_typography and assembly.metadata["lang"].lower().startswith("fr")
    french = french and FRENCH_FILTER.is_file()  # written apart from the rest of the export
    inputs = [book.outline_path] + [book.root / file for file in assembly.chapter_files]
    arguments = pandoc_arguments(book, outline, options, assembly.depth, inputs, french)
    program = pandoc.find_pandoc(options.pandoc)
    progress(f"running pandoc ({len(assembly.chapter_files)} chapter files)")
    texts = {f"chapters/{section_id}.md": text for section_id, text in chapters.items() if text}
    env = reproducible_env(inputs)
    media = media_map(book, list(texts.values()))
    if options.format == "html":  # under --sandbox pandoc reads even its stylesheet from the media bag
        media[str(stylesheet(options.css))] = [str(stylesheet(options.css))] * 2
    env["CM_MEDIA"] = json.dumps(media)
    # control characters make ill-formed XHTML: none reaches pandoc (tab and newline kept)
    result = pandoc.run(program, arguments, strip_controls(assembly.markdown), env, texts)
    data = result.output
    if epub:
        data = epub_finish.finish(data, assembly.metadata["lang"], epub_finish.conforms(images))
    if options.format == "markdown":
        data = assemble.metadata_block(assembly.metadata).encode("utf-8") + b"\n" + data
    if options.format == "pdf":
        from clientmilitant.services.export import pdf

        progress("typesetting the PDF with typst")
        newest = int(env["SOURCE_DATE_EPOCH"])
        timestamp = pdf.creation_time(outline.book.date, os.environ.get("SOURCE_DATE_EPOCH"), newest)
        data = pdf.compile_pdf(data, book.root, timestamp, texts)
    if new_identifier:
        with book.edit("export: identifier") as change:
            if not change.outline.book.identifier:  # another export may have set one meanwhile: keep it
                change.outline.book.identifier = new_identifier
    progress(f"writing {display_path(output)}")
    try:
        atomic_write(output, data)
    except OSError as error:
        raise Failed(f"{display_path(output)}: cannot write the {options.format}: {error.strerror}") from None
    return ExportResult(
        format=options.format,
        output=output,
        sections=[
            {"number": e.located.number, "id": e.located.section.id, "title": e.located.section.title, "text": e.full}
            for e in assembly.sections
        ],
        chapters=len(assembly.chapter_files),
        sources=len(assembly.sources),
        warnings=scan_warnings + result.warnings,
        identifier=assembly.metadata["identifier"],
        identifier_created=bool(new_identifier),
        french_typography=french,
    )


def quoted(book: Book, outline, chapters: dict[str, str | None]) -> list:
    """Whom the exported chapters quote (posts by other authors, readers' comments and feedback)."""
    from clientmilitant.core.errors import BookError
    from clientmilitant.services import feedback
    from clientmilitant.services.credits import book_credits

    try:
        items = feedback.load(book)
    except BookError:
        items = []  # `cm feedback` and `cm check` report a broken feedback.yaml; the export goes on
    return book_credits(outline, {cid: text for cid, text in chapters.items() if text}, items)


def images_of(chapters: dict[str, str | None]) -> Images:
    """The exported chapters' images: how many, how many without alternative text."""
    from clientmilitant.services.export import epub as epub_finish

    found = [image for text in chapters.values() if text for image in chapter_scan.images(text)]
    return epub_finish.Images(len(found), sum(1 for image in found if not image.alt))


def chapter_warnings(chapters: dict[str, str | None]) -> list[str]:
    """What the export leaves out of a chapter and the author should know: its front matter."""
    warnings = []
    for section_id, text in chapters.items():
        found = chapter_scan.front_matter(text or "")
        if found:
            warnings.append(
                f"chapters/{section_id}.md:{found.first_line}: front matter ({', '.join(found.keys)}) left out "
                "of the book: a chapter's title is its section's (cm section rename)"
            )
    return warnings


def pandoc_arguments(
    book: Book, outline: model.Outline, options: ExportOptions, depth: int, inputs: list[Path], french: bool
) -> list[str]:
    """The filters, the sandbox and the format's options.

    Every export but the Markdown manuscript goes through filters/safety.lua (no active content, no
    file from outside the book). pandoc runs with --sandbox (it reads no file but those it is
    given, fetches nothing) for html, docx and markdown. Not for EPUB: pandoc 3.9 refuses its own
    --css and --epub-cover-image under --sandbox; nor for PDF, whose Typst template pandoc reads:
    there safety.lua is the guarantee (every image it lets through is already in the media bag, no
    raw HTML is left for a writer to fetch from), and typst reads only inside the book's folder."""
    filters = [CHAPTERS_FILTER]
    if options.format != "markdown":
        filters.append(SAFETY_FILTER)
    if french:
        filters.append(FRENCH_FILTER)
    reader = "markdown" if options.french_typography else "markdown-smart"  # --no-french-typography: quotes as typed
    arguments = ["-f", reader, *(f"--lua-filter={path}" for path in filters)]
    if options.format in SANDBOXED:
        arguments.append("--sandbox")
    return arguments + format_arguments(book, outline, options, depth, inputs)


def format_arguments(
    book: Book, outline: model.Outline, options: ExportOptions, depth: int, inputs: list[Path]
) -> list[str]:
    """pandoc's options for one format; the stylesheet and cover are added to `inputs` (their dates count)."""
    fmt = options.format
    css = stylesheet(options.css) if fmt in ("epub", "html") else None
    if options.css and fmt not in ("epub", "html"):
        raise CmError(f"--css is for epub and html, not {fmt}")
    if css:
        inputs.append(css)
    if fmt == "markdown":
        return ["-t", "markdown", "--wrap=none"]
    if fmt == "docx":
        return ["-t", "docx", "--toc", f"--toc-depth={TOC_DEPTH}"]
    if fmt == "pdf":
        from clientmilitant.services.export import pdf

        return [f"--toc-depth={TOC_DEPTH}", *pdf.template_arguments(outline.book)]
    if fmt == "html":
        return title_page_date(outline.book, options.french_typography) + [
            "-t",
            "html5",
            "-s",
            "--embed-resources",
            *NO_HIGHLIGHT,
            "--toc",
            f"--toc-depth={TOC_DEPTH}",
            f"--css={css}",
        ]
    arguments = [
        "-t",
        "epub3",
        f"--split-level={depth}",
        *NO_HIGHLIGHT,
        "--toc",
        f"--toc-depth={TOC_DEPTH}",
        f"--css={css}",
    ]
    arguments += title_page_date(outline.book, options.french_typography)
    if outline.book.subtitle:  # the title is then a typed list (see assemble.metadata_block): the
        # title page's template takes the main title as a plain variable, escaped for XHTML here
        arguments += ["-V", f"title={html.escape(outline.book.title)}"]
    if outline.book.cover:
        cover = book.root / outline.book.cover
        if not cover.is_file():
            raise NotFound(f"book.cover '{outline.book.cover}': no such file", "cm book set cover PATH, or '' for none")
        inside(book.root, cover, "book.cover")
        inputs.append(cover)
        arguments += ["--epub-cover-image", str(cover)]
    return arguments


def title_page_date(book_meta: model.BookMeta, typography: bool) -> list[str]:
    """The title page's date in the book's language (« 15 janvier 2026 », « 1er » superscript), as a
    template variable: the metadata keeps the ISO date, which pandoc writes into the OPF (dc:date)."""
    if not book_meta.date:
        return []
    lang = book_meta.lang or "fr-FR"
    first = "1<sup>er</sup>" if typography and lang.lower().startswith("fr") else "1er"
    spelled = dates.spelled_date(html.escape(book_meta.date), lang, first=first)
    return ["-V", f"date={spelled}"]


def stylesheet(css: Path | None) -> Path:
    """The shipped stylesheet, or the author's `--css FILE` instead of it."""
    if css is None:
        return DEFAULT_CSS
    if not css.is_file():
        raise NotFound(f"--css {display_path(css)}: no such file")
    return css.absolute()


def reproducible_env(inputs: list[Path]) -> dict[str, str]:
    """pandoc's environment with SOURCE_DATE_EPOCH: the caller's, else the newest input's date, so
    that exporting an unchanged book twice gives the same bytes (EPUB dates, zip entries)."""
    env = dict(os.environ)
    if not env.get("SOURCE_DATE_EPOCH"):
        newest = max((path.stat().st_mtime for path in inputs if path.exists()), default=0)
        env["SOURCE_DATE_EPOCH"] = str(int(newest))
    return env
