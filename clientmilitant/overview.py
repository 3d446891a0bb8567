"""The outline as plain data: every section with its number, status, words written and sources.

This is the documented JSON shape of `cm outline show --json` (README, "JSON output"), and what the
rich tree is drawn from.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from clientmilitant import model
from clientmilitant.book import Book
from clientmilitant.words import count_words

SCHEMA_VERSION = 1


def words_by_section(book: Book, outline: model.Outline) -> dict[str, int]:
    """Words written in each section's chapter file (sections without a file are absent)."""
    files = book.chapter_files()
    words = {}
    for located in model.walk(outline):
        section_id = located.section.id
        if section_id in files:
            words[section_id] = count_words(book.read_text(files[section_id], "this chapter"))
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
    words = words_by_section(book, outline)

    def node(section: model.Section, path: tuple[int, ...]) -> dict[str, Any]:
        children = section.sections if depth is None or len(path) < depth else []
        return {
            **section_identity(section, path),
            "target": section.target,
            "words": words.get(section.id, 0),
            "chapter": f"chapters/{section.id}.md" if section.id in words else None,
            "points": list(section.points),
            "sources": list(section.sources),
            "notes": section.notes,
            "sections": [node(child, (*path, i)) for i, child in enumerate(children, start=1)],
        }

    return {
        "version": SCHEMA_VERSION,
        "book": asdict(outline.book),
        "parts": [node(part, (i,)) for i, part in enumerate(outline.parts, start=1)],
        "sources": [asdict(source) for source in outline.sources],
    }
