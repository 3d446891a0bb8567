"""Readers' feedback on the plan: each item tied to a section by id, listed, added, marked done.

The author wrote the book in the open and asked readers what was missing; their answers are kept
in feedback.yaml (storage/feedback_file.py), each on the section it concerns. Each item names its
section by the section's stable id, so it follows the section when the section is moved,
renumbered or renamed. Ids are `f1`, `f2`…, never renumbered.

The comments of an archived post become feedback through comments.py, with a spam score (spam.py).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from clientmilitant.core import model
from clientmilitant.core.errors import CmError, NotFound
from clientmilitant.storage.book import Book
from clientmilitant.storage.feedback_file import Feedback, editing, feedback_path, load

__all__ = ["SCHEMA_VERSION", "Feedback", "feedback_path", "load"]  # and the service functions below

SCHEMA_VERSION = 1


def entry(item: Feedback, outline: model.Outline, places: dict[str, model.Located] | None = None) -> dict[str, Any]:
    """One feedback item as plain data (the JSON shape), with its section's current number and title;
    both are null when the section was removed from the plan."""
    if places is None:
        places = {located.section.id: located for located in model.walk(outline)}
    located = places.get(item.section)
    return {
        "id": item.id,
        "section": item.section,
        "number": located.number if located else None,
        "title": located.section.title if located else None,
        "author": item.author,
        "date": item.date,
        "text": item.text,
        "url": item.url,
        "state": item.state,
        "note": item.note,
        "source": item.source or None,
        "spam": item.spam,
    }


def list_feedback(book: Book, section_ref: str | None = None, open_only: bool = False) -> list[dict[str, Any]]:
    """Feedback in plan order (then in the order it came), optionally on one section and the
    sections under it, optionally the open items only."""
    outline = book.load()
    items = load(book)
    places = {located.section.id: located for located in model.walk(outline)}
    order = {section_id: i for i, section_id in enumerate(places)}
    if section_ref is not None:
        wanted = {section.id for section in model.subtree(model.find(outline, section_ref).section)}
        items = [item for item in items if item.section in wanted]
    if open_only:
        items = [item for item in items if item.state == "open"]
    items.sort(key=lambda item: order.get(item.section, len(order)))  # stable: removed sections last
    return [entry(item, outline, places) for item in items]


def open_counts(book: Book) -> dict[str, int]:
    """Open feedback per section id (sections without any are absent)."""
    counts: dict[str, int] = {}
    for item in load(book):
        if item.state == "open":
            counts[item.section] = counts.get(item.section, 0) + 1
    return counts


def mark_open_feedback(book: Book, nodes: list[dict[str, Any]]) -> None:
    """Add `open_feedback` (a count, 0 when none) to every node of the outline's data
    (outline.outline_data), for `cm outline show --feedback`."""
    counts = open_counts(book)

    def mark(node: dict[str, Any]) -> None:
        node["open_feedback"] = counts.get(node["id"], 0)
        for child in node["sections"]:
            mark(child)

    for node in nodes:
        mark(node)


def open_by_part(book: Book, outline: model.Outline) -> list[dict[str, Any]]:
    """Every part with its open feedback, counting the feedback on all the part's sections."""
    counts = open_counts(book)
    return [
        {
            "number": str(i),
            "id": part.id,
            "title": part.title,
            "open_feedback": sum(counts.get(node.id, 0) for node in model.subtree(part)),
        }
        for i, part in enumerate(outline.parts, start=1)
    ]


# --- changing ------------------------------------------------------------------------------------


def next_id(items: list[Feedback]) -> str:
    numbers = [int(item.id[1:]) for item in items]
    return f"f{max(numbers, default=0) + 1}"


def find_item(items: list[Feedback], item_id: str) -> Feedback:
    for item in items:
        if item.id == item_id:
            return item
    known = ", ".join(item.id for item in items[-5:])
    hint = f"the last ones are {known}" if known else "there is no feedback yet"
    raise NotFound(f"no feedback '{item_id}'", hint + " (see `cm feedback list`)")


def check_date(value: str) -> str:
    """An ISO 8601 date or date and time (2008-01-06, 2008-01-06T14:22), as written."""
    value = value.strip()
    try:
        if len(value) == 10:
            datetime.date.fromisoformat(value)
        else:
            datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CmError(f"'{value}' is not an ISO 8601 date", "write it like 2008-01-06 or 2008-01-06T14:22") from None
    return value


def check_url(value: str) -> str:
    value = value.strip()
    if value and not re.match(r"https?://\S+$", value):
        raise CmError(f"'{value}' is not a web address", "give the comment's address, like https://…")
    return value


def add_feedback(
    book: Book, ref: str, text: str, author: str = "", date: str | None = None, url: str = ""
) -> dict[str, Any]:
    """Add a reader's feedback on the section REF; the date defaults to today."""
    text = text.strip()
    if not text:
        raise CmError("the feedback needs some text")
    date = check_date(date) if date else datetime.date.today().isoformat()
    url = check_url(url)
    outline = book.load()
    section = model.find(outline, ref).section
    with editing(book) as items:
        item = Feedback(next_id(items), section.id, text, author.strip(), date, url)
        items.append(item)
    return entry(item, outline)


def mark_done(book: Book, item_id: str, note: str | None = None) -> dict[str, Any]:
    """Mark feedback as dealt with, with the author's note (kept when not given)."""
    outline = book.load()
    with editing(book) as items:
        item = find_item(items, item_id)
        item.state = "done"
        if note is not None:
            item.note = note.strip()
    return entry(item, outline)


def move_feedback(book: Book, item_id: str, ref: str) -> dict[str, Any]:
    """Put feedback on another section (or back on a section after its own was removed)."""
    outline = book.load()
    section = model.find(outline, ref).section
    with editing(book) as items:
        item = find_item(items, item_id)
        item.section = section.id
    return entry(item, outline)


def remove_feedback(book: Book, item_id: str) -> dict[str, Any]:
    outline = book.load()
    with editing(book) as items:
        item = find_item(items, item_id)
        items.remove(item)
    return entry(item, outline)
