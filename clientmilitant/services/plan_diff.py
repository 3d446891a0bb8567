"""`cm diff`: the plan's history, section by section, between two git revisions.

Both outlines are read whole (`git show REV:./outline.yaml`, or the working tree) and their
sections matched by their stable id, so that a moved section is one change, not a removal and an
addition. A section is *moved* when its parent changed or when it changed places among the
siblings it kept (the longest common order of those siblings stays put); a number that shifts only
because a section was inserted above it is not a move. Words per section come from `chapters/`
at each revision: one `git ls-tree` and one `git cat-file --batch` read every chapter file, and a
file with the same blob at both revisions is counted once.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from clientmilitant.core import model
from clientmilitant.core.errors import NotFound
from clientmilitant.core.words import count_words
from clientmilitant.services import git
from clientmilitant.services.outline import words_by_section
from clientmilitant.storage import outline_file
from clientmilitant.storage.book import Book

SCHEMA_VERSION = 1
WORKING_TREE = "working tree"


@dataclass
class Place:
    """A section at one revision: where it stands and what it says."""

    section: model.Section
    number: str
    parent: str | None
    siblings: list[str]  # ids of the list that holds it, in order


@dataclass
class Revision:
    label: str  # as the user named it, or "working tree"
    commit: str | None  # None for the working tree
    places: dict[str, Place]
    words: dict[str, int]


@dataclass
class SectionDiff:
    id: str
    kind: str  # added | removed | changed
    number: str | None  # at the second revision (None when removed)
    old_number: str | None  # at the first revision (None when added)
    title: str
    changes: list[dict[str, Any]] = field(default_factory=list)
    words: tuple[int, int] = (0, 0)


def places(outline: model.Outline) -> dict[str, Place]:
    found: dict[str, Place] = {}

    def visit(sections: list[model.Section], prefix: tuple[int, ...], parent: str | None) -> None:
        ids = [s.id for s in sections]
        for position, section in enumerate(sections, start=1):
            path = (*prefix, position)
            found[section.id] = Place(section, model.format_number(path), parent, ids)
            visit(section.sections, path, section.id)

    visit(outline.parts, (), None)
    return found


def read_revision(book: Book, revision: str | None) -> Revision:
    """The outline and the words per section at a revision; None is the working tree."""
    if revision is None:
        git.check_repository(book.root)
        outline = book.load()
        return Revision(WORKING_TREE, None, places(outline), words_by_section(book, outline))
    commit = git.resolve(book.root, revision)
    name = book.outline_path.name
    data = git.show(book.root, commit, name)
    if data is None:
        raise NotFound(f"{revision} has no {name}", "the book was not in this revision yet: name a later one")
    outline = outline_file.loads(data, f"{revision}:{name}") if data else model.Outline()
    blobs = git.tree_blobs(book.root, commit, "chapters")
    wanted = {f"{sid}.md": sid for sid in places(outline)}
    chosen = {wanted[name]: blob for name, blob in blobs.items() if name in wanted}
    contents = git.read_blobs(book.root, sorted(set(chosen.values())))
    counted = {blob: count_words(data.decode("utf-8", "replace")) for blob, data in contents.items()}
    words = {sid: counted[blob] for sid, blob in chosen.items()}
    return Revision(revision, commit, places(outline), words)


def moved_ids(old: dict[str, Place], new: dict[str, Place]) -> set[str]:
    """Sections whose parent changed, or that left the longest common order of their kept siblings."""
    moved = {sid for sid, place in new.items() if sid in old and old[sid].parent != place.parent}
    seen_lists: set[int] = set()
    for sid, place in new.items():
        if sid in moved or sid not in old or id(place.siblings) in seen_lists:
            continue
        seen_lists.add(id(place.siblings))
        parent = place.parent
        kept_new = [s for s in place.siblings if s in old and old[s].parent == parent]
        kept_old = [s for s in old[sid].siblings if s in new and new[s].parent == parent]
        matcher = difflib.SequenceMatcher(None, kept_old, kept_new, autojunk=False)
        stay = {s for block in matcher.get_matching_blocks() for s in kept_new[block.b : block.b + block.size]}
        moved.update(s for s in kept_new if s not in stay)
    return moved


def point_changes(old: list[str], new: list[str]) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag in ("replace", "delete", "insert"):
            pairs = min(a2 - a1, b2 - b1) if tag == "replace" else 0
            for k in range(pairs):
                changes.append(
                    {"change": "point-edited", "position": b1 + k + 1, "old": old[a1 + k], "new": new[b1 + k]}
                )
            for k in range(a1 + pairs, a2):
                changes.append({"change": "point-removed", "position": k + 1, "old": old[k]})
            for k in range(b1 + pairs, b2):
                changes.append({"change": "point-added", "position": k + 1, "new": new[k]})
    return changes


def section_changes(old: Place, new: Place, moved: bool) -> list[dict[str, Any]]:
    a, b = old.section, new.section
    changes: list[dict[str, Any]] = []
    if moved:
        changes.append({"change": "moved", "old": old.number, "new": new.number})
    if a.title != b.title:
        changes.append({"change": "renamed", "old": a.title, "new": b.title})
    if a.effective_status != b.effective_status:
        changes.append({"change": "status", "old": a.effective_status, "new": b.effective_status})
    if a.target != b.target:
        changes.append({"change": "target", "old": a.target, "new": b.target})
    changes += point_changes(a.points, b.points)
    changes += [{"change": "source-linked", "new": s} for s in b.sources if s not in a.sources]
    changes += [{"change": "source-unlinked", "old": s} for s in a.sources if s not in b.sources]
    return changes


def diff(book: Book, first: str | None = "HEAD", second: str | None = None) -> dict[str, Any]:
    """The structural diff between two revisions (None: the working tree), in outline order."""
    old, new = read_revision(book, first), read_revision(book, second)
    moved = moved_ids(old.places, new.places)
    result: list[SectionDiff] = []
    for sid, place in new.places.items():
        words = (old.words.get(sid, 0), new.words.get(sid, 0))
        if sid not in old.places:
            result.append(SectionDiff(sid, "added", place.number, None, place.section.title, [], words))
            continue
        changes = section_changes(old.places[sid], place, sid in moved)
        if changes or words[0] != words[1]:
            before = old.places[sid].number
            result.append(SectionDiff(sid, "changed", place.number, before, place.section.title, changes, words))
    for sid, place in old.places.items():
        if sid not in new.places:
            words = (old.words.get(sid, 0), 0)
            result.append(SectionDiff(sid, "removed", None, place.number, place.section.title, [], words))
    return report(old, new, result)


def report(old: Revision, new: Revision, sections: list[SectionDiff]) -> dict[str, Any]:
    """The JSON shape of `cm diff --json` (README, "cm diff")."""
    kinds = [c["change"] for s in sections for c in s.changes]
    summary = {
        "added": sum(s.kind == "added" for s in sections),
        "removed": sum(s.kind == "removed" for s in sections),
        "moved": kinds.count("moved"),
        "renamed": kinds.count("renamed"),
        "changed": sum(s.kind == "changed" for s in sections),
        "words": {"old": sum(old.words.values()), "new": sum(new.words.values())},
    }
    return {
        "version": SCHEMA_VERSION,
        "old": {"revision": old.label, "commit": old.commit},
        "new": {"revision": new.label, "commit": new.commit},
        "summary": summary,
        "sections": [
            {
                "id": s.id,
                "kind": s.kind,
                "number": s.number,
                "old_number": s.old_number,
                "title": s.title,
                "changes": s.changes,
                "words": {"old": s.words[0], "new": s.words[1]},
            }
            for s in sections
        ],
    }
