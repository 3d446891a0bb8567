"""What every outline must satisfy before it is written or trusted: the limits and the rules.

Pure: storage calls validate() on every save and on every outline read back from the load cache;
the strict reader applies the same limits while it reads outline.yaml, with the file's line.
"""

from __future__ import annotations

from clientmilitant.core import model
from clientmilitant.core.errors import CmError

# Sections nested deeper than this are refused on load and never saved: no book goes past a handful
# of levels, and the YAML dumper recurses per level (≈ 150 levels exhaust Python's stack).
MAX_DEPTH = 100
MAX_TARGET_DIGITS = 12  # int() of thousands of digits is slow, then refused (CVE-2020-10735)


def validate(outline: model.Outline) -> None:
    """What must hold before any outline is written: unique valid ids, known statuses, bounded depth,
    a cover path inside the book, a trim size cm knows."""
    seen: set[str] = set()

    def check(sections: list[model.Section], prefix: tuple[int, ...]) -> None:
        # a plain recursion rather than model.walk: no Located per section (this runs on every
        # save and every cached load: 10,000 sections)
        for position, section in enumerate(sections, start=1):
            path = (*prefix, position)
            if not model.is_valid_id(section.id) or section.id in seen:
                number = model.format_number(path)
                raise CmError(f"internal error: section {number} has a bad or duplicate id '{section.id}'")
            if len(path) > MAX_DEPTH:
                number = model.format_number(path)
                raise CmError(f"section {number} would be nested more than {MAX_DEPTH} levels deep")
            if section.status is not None:
                model.check_status(section.status)
            if section.target is not None and len(str(abs(section.target))) > MAX_TARGET_DIGITS:
                number = model.format_number(path)
                raise CmError(
                    f"section {number}: target {section.target} has more than {MAX_TARGET_DIGITS} digits; "
                    "cm would not read it back",
                    "give a number of words, like --target 3000",
                )
            seen.add(section.id)
            check(section.sections, path)

    check(outline.parts, ())
    source_ids = [s.id for s in outline.sources]
    if len(set(source_ids)) != len(source_ids) or not all(model.is_valid_id(i) for i in source_ids):
        raise CmError("internal error: the source registry has a bad or duplicate id")
    if outline.book.cover:
        model.check_relative_path(outline.book.cover, "book.cover")
    model.check_trim(outline.book.trim)
