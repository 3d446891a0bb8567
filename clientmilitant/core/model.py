"""The book as a pure tree: sections, ids, numbering and the edits that restructure it.

No file, YAML, typer or rich here. Numbers (`2`, `2.1`, `3.5.2`) are computed from positions and
never stored; ids are stable ASCII slugs, unique in the book, that name chapter files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from clientmilitant.core.book_meta import (  # noqa: F401 (the book's metadata, as model.X)
    BOOK_KEYS,
    TRIMS,
    BookMeta,
    check_relative_path,
    check_trim,
    set_book_value,
)
from clientmilitant.core.errors import CmError, NotFound, OutOfRange, Refused
from clientmilitant.core.ids import ID_PATTERN, check_new_id, is_valid_id, slugify, unique_id  # noqa: F401
from clientmilitant.core.placement import After, Before, Down, Place, Top, Under, Up, Where  # noqa: F401
from clientmilitant.core.text import did_you_mean
from clientmilitant.core.untrusted import refuse_controls

STATUSES = ("idea", "draft", "revised", "final")
DEFAULT_STATUS = "idea"
NUMBER_PATTERN = re.compile(r"\d+(?:\.\d+)*")


@dataclass
class Section:
    """A node of the plan: a part (top level), a section, a sub-section…"""

    id: str
    title: str
    points: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    status: str | None = None
    target: int | None = None
    notes: str | None = None
    sections: list[Section] = field(default_factory=list)

    @property
    def effective_status(self) -> str:
        return self.status or DEFAULT_STATUS


@dataclass
class Source:
    """A post the book is made from; its text, when archived, is `sources/<id>.md`."""

    id: str
    url: str = ""
    title: str = ""
    author: str = ""
    date: str = ""
    site: str = ""


LINT_KEYS = ("disable", "rules")
LINT_RULE_KEYS = ("id", "pattern", "message", "suggestion")


@dataclass
class LintRule:
    """A blog-voice rule of the author's own (outline.yaml `lint.rules`): a regular expression, case ignored."""

    id: str
    pattern: str
    message: str = ""
    suggestion: str = ""


@dataclass
class Lint:
    """outline.yaml `lint:`: `disable`, the ids of the rules switched off, and `rules`, the author's own."""

    disable: list[str] = field(default_factory=list)
    rules: list[LintRule] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.disable or self.rules)


@dataclass
class Outline:
    """The whole plan: metadata, the parts (top-level sections), the source registry, the lint settings."""

    book: BookMeta = field(default_factory=BookMeta)
    parts: list[Section] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    lint: Lint = field(default_factory=Lint)


def check_pattern(pattern: str) -> None:
    """A lint rule's pattern must be a regular expression Python can compile."""
    try:
        re.compile(pattern)
    except re.error as error:
        raise CmError(f"the pattern is not a valid regular expression: {error}") from None


@dataclass(frozen=True)
class Located:
    """A section with its place in the tree: its number path and the list that holds it."""

    section: Section
    path: tuple[int, ...]  # 1-based positions from the top: (3, 5, 2) is section 3.5.2
    siblings: list[Section]
    parent: Section | None

    @property
    def number(self) -> str:
        return format_number(self.path)

    @property
    def depth(self) -> int:
        return len(self.path)

    @property
    def index(self) -> int:
        return self.path[-1] - 1


def format_number(path: tuple[int, ...]) -> str:
    return ".".join(str(n) for n in path)


# --- walking and finding ----------------------------------------------------------------------


def walk(outline: Outline) -> Iterator[Located]:
    """Every section in reading order (depth first), with its number."""

    def visit(sections: list[Section], prefix: tuple[int, ...], parent: Section | None) -> Iterator[Located]:
        for i, section in enumerate(sections, start=1):
            path = (*prefix, i)
            yield Located(section, path, sections, parent)
            yield from visit(section.sections, path, section)

    return visit(outline.parts, (), None)


def section_ids(outline: Outline) -> set[str]:
    return {located.section.id for located in walk(outline)}


def subtree(section: Section) -> Iterator[Section]:
    """The section and all its descendants."""
    yield section
    for child in section.sections:
        yield from subtree(child)


def find(outline: Outline, ref: str) -> Located:
    """Resolve a REF, a computed number (`2.1`) or an id, or say what was probably meant."""
    ref = ref.strip()
    if NUMBER_PATTERN.fullmatch(ref):
        path = tuple(int(n) for n in ref.split("."))
        siblings, parent = outline.parts, None
        for depth, n in enumerate(path, start=1):
            if not 1 <= n <= len(siblings):
                raise NotFound(f"no section '{ref}'; {_numbers_near(outline, path)}")
            if depth == len(path):
                return Located(siblings[n - 1], path, siblings, parent)
            parent = siblings[n - 1]
            siblings = parent.sections
    known: list[str] = []
    for located in walk(outline):
        if located.section.id == ref:
            return located
        known.append(located.section.id)
    close = did_you_mean(ref, known)
    if close:
        raise NotFound(f"no section '{ref}'; did you mean {close}?")
    raise NotFound(f"no section '{ref}'", "see `cm outline show` for numbers and ids")


def _numbers_near(outline: Outline, path: tuple[int, ...]) -> str:
    """Say which numbers exist where the user looked: `section 3 has sections 3.1 to 3.7`."""
    siblings, parent_number = outline.parts, ""
    for depth, n in enumerate(path[:-1], start=1):
        if not 1 <= n <= len(siblings):
            break
        siblings, parent_number = siblings[n - 1].sections, format_number(path[:depth])
    prefix = f"{parent_number}." if parent_number else ""
    owner = f"section {parent_number}" if parent_number else "the book"
    if not siblings:
        return f"{owner} has no sub-sections" if parent_number else "the book has no parts yet"
    kind = "sections" if parent_number else "parts"
    return f"{owner} has {kind} {prefix}1 to {prefix}{len(siblings)}"


def find_source(outline: Outline, source_id: str) -> Source:
    for source in outline.sources:
        if source.id == source_id:
            return source
    close = did_you_mean(source_id, [s.id for s in outline.sources], cutoff=0.5)
    hint = f"did you mean {close}?" if close else "see `cm source list`"
    raise NotFound(f"no source '{source_id}'; {hint}")


# --- restructuring ----------------------------------------------------------------------------


def _slot(outline: Outline, place: Place) -> tuple[list[Section], int]:
    """The list a section goes into and its 0-based index there."""
    if isinstance(place, (Before, After)):
        anchor = find(outline, place.ref)
        return anchor.siblings, anchor.index + (1 if isinstance(place, After) else 0)
    siblings = find(outline, place.ref).section.sections if isinstance(place, Under) else outline.parts
    if place.position is None:
        return siblings, len(siblings)
    if not 1 <= place.position <= len(siblings) + 1:
        raise OutOfRange("position", 1, len(siblings) + 1, place.position)
    return siblings, place.position - 1


def locate_section(outline: Outline, section: Section) -> Located:
    for located in walk(outline):
        if located.section is section:
            return located
    raise AssertionError("section not in outline")  # pragma: no cover - a bug, not an input


def add_section(outline: Outline, title: str, where: Place | None = None, *, section_id: str | None = None) -> Located:
    """Add a new empty section (a new last part by default) and return it with its number."""
    title = clean_title(title)
    taken = section_ids(outline)
    if section_id is None:
        section_id = unique_id(slugify(title), taken)
    else:
        check_new_id(section_id, taken)
    siblings, index = _slot(outline, where or Top())
    section = Section(id=section_id, title=title)
    siblings.insert(index, section)
    return locate_section(outline, section)


def move_section(outline: Outline, ref: str, where: Where) -> Located:
    """Move a section (with its sub-sections) and return it at its new place."""
    moving = find(outline, ref)
    section = moving.section
    if isinstance(where, (Up, Down)):
        target = moving.index + (-1 if isinstance(where, Up) else 1)
        if not 0 <= target < len(moving.siblings):
            raise Refused(
                f"section {moving.number} is already {'first' if isinstance(where, Up) else 'last'} among its siblings"
            )
        moving.siblings.insert(target, moving.siblings.pop(moving.index))
        return locate_section(outline, section)
    if not isinstance(where, Top):
        anchor = find(outline, where.ref).section
        if any(node is anchor for node in subtree(section)):
            if anchor is section and not isinstance(where, Under):
                return moving  # before/after itself: already there
            raise Refused(f"cannot move section {moving.number} under itself or its own sub-section")
    moving.siblings.pop(moving.index)
    try:
        siblings, index = _slot(outline, where)
    except CmError:
        moving.siblings.insert(moving.index, section)  # leave the tree as it was
        raise
    siblings.insert(index, section)
    return locate_section(outline, section)


def remove_section(outline: Outline, ref: str, *, force: bool = False, has_text=lambda s: False) -> Located:
    """Remove a section; refuse one with sub-sections or text unless `force`.

    `has_text(section)` tells whether a section has chapter text: the caller knows the files."""
    located = find(outline, ref)
    section = located.section
    if not force:
        if section.sections:
            raise Refused(
                f"section {located.number} has {len(section.sections)} sub-section(s)",
                "move them first, or use --force to remove them all",
            )
        if has_text(section):
            raise Refused(
                f"section {located.number} has written text",
                "use --force: the text will be set aside, not deleted",
            )
    located.siblings.pop(located.index)
    return located


def rename_section(outline: Outline, ref: str, title: str) -> Located:
    located = find(outline, ref)
    located.section.title = clean_title(title)
    return located


def set_section(
    outline: Outline,
    ref: str,
    *,
    status: str | None = None,
    target: int | None = None,
    notes: str | None = None,
) -> Located:
    """Set a section's status, target (0 clears it) or notes ('' clears them)."""
    located = find(outline, ref)
    section = located.section
    if status is not None:
        section.status = check_status(status)
    if target is not None:
        if target < 0:
            raise CmError(f"a target must be a number of words, not {target}")
        section.target = target or None
    if notes is not None:
        section.notes = refuse_controls(notes, "the notes") or None
    return located


def check_status(value: str) -> str:
    if value not in STATUSES:
        close = did_you_mean(value, STATUSES)
        hint = f"did you mean {close}?" if close else None
        raise CmError(f"status must be one of {', '.join(STATUSES)}, not '{value}'", hint)
    return value


def clean_title(title: str) -> str:
    title = " ".join(refuse_controls(title, "the title").split())
    if not title:
        raise CmError("a section needs a title")
    return title


# --- points -----------------------------------------------------------------------------------


def _point_index(section: Section, number: int, number_str: str) -> int:
    if not section.points:
        raise NotFound(f"section {number_str} has no points")
    if not 1 <= number <= len(section.points):
        raise NotFound(f"section {number_str} has points 1 to {len(section.points)}; there is no point {number}")
    return number - 1


def add_point(outline: Outline, ref: str, text: str, position: int | None = None) -> tuple[Located, int]:
    located = find(outline, ref)
    points = located.section.points
    text = refuse_controls(text, "the point").strip()
    if not text:
        raise CmError("a point needs some text")
    if position is None:
        position = len(points) + 1
    if not 1 <= position <= len(points) + 1:
        raise OutOfRange("position", 1, len(points) + 1, position)
    points.insert(position - 1, text)
    return located, position


def remove_point(outline: Outline, ref: str, number: int) -> tuple[Located, str]:
    located = find(outline, ref)
    index = _point_index(located.section, number, located.number)
    return located, located.section.points.pop(index)


def move_point(outline: Outline, ref: str, number: int, to: int) -> Located:
    located = find(outline, ref)
    points = located.section.points
    index = _point_index(located.section, number, located.number)
    if not 1 <= to <= len(points):
        raise OutOfRange("the new place", 1, len(points), to)
    points.insert(to - 1, points.pop(index))
    return located


# --- sources (links between sections and the registry) ---------------------------------------


def link_source(outline: Outline, source_id: str, ref: str) -> tuple[Located, bool]:
    """Link a registered source to a section; False when it was linked already."""
    find_source(outline, source_id)
    located = find(outline, ref)
    if source_id in located.section.sources:
        return located, False
    located.section.sources.append(source_id)
    return located, True


def sections_citing(outline: Outline, source_id: str) -> list[Located]:
    return [located for located in walk(outline) if source_id in located.section.sources]
