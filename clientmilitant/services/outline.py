"""The plan as a service: new books, imported plans, removals, and the outline as plain data.

`outline_data` is the documented JSON shape of `cm outline show --json` (README, "JSON output"), and what
the rich tree is drawn from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from clientmilitant.core import model
from clientmilitant.core.errors import BookError, NotFound, Refused
from clientmilitant.core.words import count_words
from clientmilitant.storage.book import Book, FileMove
from clientmilitant.storage.files import display_path

if TYPE_CHECKING:
    from clientmilitant.core.plan_post import PlanImport

SCHEMA_VERSION = 1
T = TypeVar("T")


def change_outline(book: Book, action: str, change: Callable[[model.Outline], T]) -> T:
    """Apply one change of the model to the book's outline, saved under the lock (undoable as `action`)."""
    with book.edit(action) as editing:
        return change(editing.outline)


def init_book(folder: Path, title: str, lang: str = "fr-FR") -> Book:
    """A new book in `folder`: outline.yaml with its metadata, and an empty chapters/."""
    book = Book.at(folder)
    if book.outline_path.exists():
        raise Refused(f"{book.display_name} already exists", "cm init starts a new book; edit this one instead")
    outline = model.Outline()
    model.set_book_value(outline.book, "title", title)
    model.set_book_value(outline.book, "lang", lang)
    book.create(outline)
    return book


@dataclass(frozen=True)
class ImportResult:
    book: Book
    plan: PlanImport
    created: bool


def import_plan(plan_path: Path, folder: Path, existing: Book | None, force: bool, title: str | None) -> ImportResult:
    """Build the outline from a plan file, into `existing` (replacing its plan, with --force) or a new book."""
    from clientmilitant.core.plan_post import parse_plan  # a plan post is read once: not at every start-up

    try:
        text = plan_path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise NotFound(f"{display_path(plan_path)}: no such file") from None
    except UnicodeDecodeError as error:
        line = error.object.count(b"\n", 0, error.start) + 1
        raise BookError(f"{display_path(plan_path)}:{line}: not UTF-8 text; save the plan as UTF-8") from None
    plan = parse_plan(text)
    if not plan.parts:
        raise NotFound(f"{display_path(plan_path)}: no numbered part heading found (like `1 - Title` or `2. Title`)")
    if existing is not None:
        if not force:
            raise Refused(
                f"{existing.display_name} already holds a plan",
                "use --force to replace its parts and sources (`cm undo` brings them back)",
            )
        with existing.edit(f"outline import {plan_path.name}") as change:
            change.outline.parts, change.outline.sources = plan.parts, plan.sources
            if title:
                model.set_book_value(change.outline.book, "title", title)
        return ImportResult(existing, plan, created=False)
    book = Book.at(folder)
    outline = model.Outline(parts=plan.parts, sources=plan.sources)
    model.set_book_value(outline.book, "title", title or plan_path.stem)
    book.create(outline)
    return ImportResult(book, plan, created=True)


@dataclass(frozen=True)
class Removal:
    located: model.Located
    removed_ids: list[str]
    set_aside: tuple[FileMove, ...]


def remove_section(book: Book, ref: str, force: bool) -> Removal:
    """Remove a section (and, with force, its sub-sections); their chapter text moves to removed/."""
    book.folder("chapters")  # checked before the lock: a refusal creates nothing
    book.folder("removed")
    files = book.chapter_files()

    def has_text(section: model.Section) -> bool:
        return any(node.id in files for node in model.subtree(section))

    with book.edit(f"section remove {ref}") as change:
        located = model.remove_section(change.outline, ref, force=force, has_text=has_text)
        removed_ids = [node.id for node in model.subtree(located.section)]
        change.moves.extend(book.set_aside(removed_ids))
    return Removal(located, removed_ids, tuple(change.moves))


def words_by_section(book: Book, outline: model.Outline, problems: dict[str, str] | None = None) -> dict[str, int]:
    """Words written in each section's chapter file (sections without a file are absent).

    A chapter that cannot be read (a link leading out of the book, or to nothing) stops the
    command, unless `problems` is given: it then gets the section's id → what is wrong, and the
    rest of the book is still counted (`cm outline show` marks that section)."""
    files = book.chapter_files()
    words = {}
    for located in model.walk(outline):
        section_id = located.section.id
        if section_id in files:
            try:
                words[section_id] = count_words(book.read_text(files[section_id], "this chapter"))
            except BookError as error:
                if problems is None:
                    raise
                problems[section_id] = str(error).split(": ", 1)[-1]
    return words


def section_identity(section: model.Section, path: tuple[int, ...]) -> dict[str, Any]:
    """The keys that open every section in cm's JSON: number, id, title, depth, status."""
    return {
        "number": model.format_number(path),
        "id": section.id,
        "title": section.title,
        "depth": len(path),
        "status": section.effective_status,
    }


def outline_data(book: Book, outline: model.Outline, depth: int | None = None) -> dict[str, Any]:
    """The whole book as JSON-ready data; `depth` keeps only the first levels of sections."""
    problems: dict[str, str] = {}
    words = words_by_section(book, outline, problems)

    def node(section: model.Section, path: tuple[int, ...]) -> dict[str, Any]:
        children = section.sections if depth is None or len(path) < depth else []
        problem = {"chapter_problem": problems[section.id]} if section.id in problems else {}
        return {
            **section_identity(section, path),
            "target": section.target,
            "words": words.get(section.id, 0),
            "chapter": f"chapters/{section.id}.md" if section.id in words else None,
            "points": list(section.points),
            "sources": list(section.sources),
            "notes": section.notes,
            "sections": [node(child, (*path, i)) for i, child in enumerate(children, start=1)],
            **problem,  # only on a section whose chapter file cannot be read
        }

    return {
        "version": SCHEMA_VERSION,
        "book": asdict(outline.book),
        "parts": [node(part, (i,)) for i, part in enumerate(outline.parts, start=1)],
        "sources": [asdict(source) for source in outline.sources],
    }
