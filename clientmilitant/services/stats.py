"""Progress toward the targets: words written per section, subtotals per part and for the book, pages.

This is the documented JSON shape of `cm stats --json` (README, "JSON output"). Words come from
overview.words_by_section, the same count `cm outline show` prints.
"""

from __future__ import annotations

from typing import Any

from clientmilitant.core import model
from clientmilitant.core.seeds import seeded_words
from clientmilitant.services.outline import section_identity, words_by_section
from clientmilitant.storage.book import Book

SCHEMA_VERSION = 1
WORDS_PER_PAGE = 250  # a printed page of a French essay in a 13 × 20 cm paperback


def percent(words: int, target: int | None) -> int | None:
    """Words written as a whole percentage of the target (None without a target)."""
    return round(100 * words / target) if target else None


def pages(words: int) -> float:
    return round(words / WORDS_PER_PAGE, 1)


def seeded_by_section(book: Book, outline: model.Outline) -> dict[str, int]:
    """Words still between seed markers (`cm chapter seed`) in each chapter that has any."""
    files = book.chapter_files()
    seeded = {}
    for section_id in model.section_ids(outline):
        if section_id in files:
            text = book.read_text(files[section_id], "this chapter")
            if "<!-- cm:seed " in text:
                seeded[section_id] = seeded_words(text)
    return seeded


# long: the JSON shape of `cm stats --json` built in one place, key by key
def book_stats(book: Book, outline: model.Outline) -> dict[str, Any]:
    """Every node with its own words and target and those of its whole subtree, and the book's totals.

    A node's `total_target` is its own target when it has one, else the sum of its sub-sections'
    (null when none of them has a target)."""
    words = words_by_section(book, outline)
    seeded = seeded_by_section(book, outline)
    statuses = dict.fromkeys(model.STATUSES, 0)

    def node(section: model.Section, path: tuple[int, ...]) -> dict[str, Any]:
        statuses[section.effective_status] += 1
        children = [node(child, (*path, i)) for i, child in enumerate(section.sections, start=1)]
        own = words.get(section.id, 0)
        total_words = own + sum(child["total_words"] for child in children)
        total_seeded = seeded.get(section.id, 0) + sum(child["total_seeded_words"] for child in children)
        child_targets = [child["total_target"] for child in children if child["total_target"]]
        total_target = section.target or (sum(child_targets) if child_targets else None)
        return {
            **section_identity(section, path),
            "words": own,
            "seeded_words": seeded.get(section.id, 0),
            "target": section.target,
            "total_words": total_words,
            "total_seeded_words": total_seeded,
            "total_target": total_target,
            "percent": percent(total_words, total_target),
            "pages": pages(total_words),
            "sections": children,
        }

    parts = [node(part, (i,)) for i, part in enumerate(outline.parts, start=1)]
    total_words = sum(part["total_words"] for part in parts)
    total_seeded = sum(part["total_seeded_words"] for part in parts)
    targets = [part["total_target"] for part in parts if part["total_target"]]
    total_target = sum(targets) if targets else None
    return {
        "version": SCHEMA_VERSION,
        "words_per_page": WORDS_PER_PAGE,
        "book": {
            "title": outline.book.title,
            "words": total_words,
            "seeded_words": total_seeded,
            "written_words": total_words - total_seeded,
            "target": total_target,
            "percent": percent(total_words, total_target),
            "pages": pages(total_words),
            "target_pages": pages(total_target) if total_target else None,
        },
        "statuses": statuses,
        "parts": parts,
    }
